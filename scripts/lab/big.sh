cmd_big() { :; }
