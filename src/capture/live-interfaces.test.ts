import { describe, expect, it } from 'vitest';
import { interfaceLines, prefixLength } from './live-interfaces.js';

describe('-D', () => {
  it('prints tcpdump -D lines, then the addresses', () => {
    expect(
      interfaceLines([
        { name: 'eth0', addresses: [{ addr: '10.233.75.12', netmask: '255.255.255.0' }, { addr: 'fe80::42:aff:fee9:4b0c', netmask: 'ffff:ffff:ffff:ffff::' }], ifFlags: 0x2 | 0x4 | 0x10 },
        { name: 'any', description: 'Pseudo-device that captures on all interfaces', addresses: [], ifFlags: 0x2 | 0x4 | 0x30 },
        { name: 'lo', addresses: [{ addr: '127.0.0.1', netmask: '255.0.0.0' }], ifFlags: 0x1 | 0x2 | 0x4 | 0x30 },
        { name: 'wlan0', addresses: [], ifFlags: 0x2 | 0x8 | 0x10 },
        { name: 'bluetooth0', description: 'Bluetooth adapter number 0', addresses: [], ifFlags: 0x8 },
        { name: 'eth1', addresses: [], ifFlags: 0x2 },
        { name: 'veth9', addresses: [], ifFlags: 0x20 },
        { name: 'nflog', description: 'Linux netfilter log (NFLOG) interface', addresses: [], ifFlags: 0x30 },
        { name: 'odd', addresses: [{ addr: '10.0.0.1' }], ifFlags: 0 },
      ]),
    ).toEqual([
      '1.eth0 [Up, Running, Connected] 10.233.75.12/24 fe80::42:aff:fee9:4b0c/64',
      '2.any (Pseudo-device that captures on all interfaces) [Up, Running]',
      '3.lo [Up, Running, Loopback] 127.0.0.1/8',
      '4.wlan0 [Up, Wireless, Associated]',
      '5.bluetooth0 (Bluetooth adapter number 0) [Wireless, Association status unknown]',
      '6.eth1 [Up, Connection status unknown]',
      '7.veth9 [none, Disconnected]',
      '8.nflog (Linux netfilter log (NFLOG) interface) [none]',
      '9.odd 10.0.0.1',
    ]);
  });

  it('turns netmasks into prefix lengths', () => {
    expect(['255.255.255.255', '255.255.240.0', '0.0.0.0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ff00::', '::'].map(prefixLength)).toEqual([32, 20, 0, 128, 56, 0]);
  });
});
