"""tun_write.py IF N SRC DST [PAYLOAD_HEX]: attaches to the tun device IF (made by `ip tuntap add`) and writes N IPv4/UDP
datagrams SRC:40000 -> DST:34997 into it, 10 ms apart, which the kernel receives on IF as if they came down a tunnel
(TunReadTest). Linux only; needs CAP_NET_ADMIN."""
import fcntl, os, struct, sys, time
TUNSETIFF = 0x400454ca; IFF_TUN = 0x0001; IFF_NO_PI = 0x1000
ifname, n = sys.argv[1], int(sys.argv[2])
src, dst = (bytes(int(x) for x in a.split('.')) for a in sys.argv[3:5])
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', ifname.encode(), IFF_TUN | IFF_NO_PI))
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
payload = bytes.fromhex(sys.argv[5]) if len(sys.argv) > 5 else b'x' * 40
for i in range(n):
    udp = struct.pack('!HHHH', 40000, 34997, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    os.write(fd, ip + udp)
    time.sleep(0.01)
time.sleep(0.5)
