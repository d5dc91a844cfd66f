#!/usr/bin/env python3
"""Independent encoder for UTCP, Tether and UTCP-SBI, written from PROTOCOLS.md alone (without reading cellscope's
encoders or decoders): the second implementation IndependentEncoderTest holds `cellscope read` to.

  independent_encoder.py --seed N --out DIR

writes DIR/capture.pcapng (Ethernet II, linktype 1, two interfaces, nanosecond timestamps), DIR/truth.json (every
frame's expected field values and findings, for a reader), and what the test compares:
  DIR/fields.txt          the fields to ask for, one a line (one pass)
  DIR/fields2.txt         the fields to ask for with -2 (adds the links to later frames)
  DIR/expected.tsv        `read -T fields -E header=y` as it must print for fields.txt
  DIR/expected2.tsv       the same for fields2.txt with -2
  DIR/dontcare.tsv        frame<TAB>field: cells the truth does not fix (an invalid frame's partial decode)
  DIR/findings.tsv        frame<TAB>id,id...: the warn/error findings each frame must have (empty: none)

Randomised but known: CellIDs, Tether IDs, seqs (some near the 2^32 wrap), flags, every header and control field,
SBI capabilities, blocks (compressed with zlib and the zstd command, hashed with the b3sum command), packet cuts
(messages span packets, packets hold several messages), transports (raw Ethernet with 0-2 VLAN tags, UDP over IPv4
and IPv6, port 34997), Ethernet padding, frame comments and interfaces. A few conversations carry one deliberately
invalid frame each (bad CRC-64, wrong block hash, lying lengths, ...), which must give exactly the finding
docs/EXPERTS.md names; every other frame must give no warning and no error.
Needs the commands b3sum (Debian b3sum) and zstd (Debian zstd); only the standard library otherwise.
"""
import argparse, ipaddress, json, os, random, struct, subprocess, sys, zlib

# ---------------------------------------------------------------------------------------------------- primitives

def blake3(data):
    r = subprocess.run(['b3sum', '--no-names', '-'], input=data, capture_output=True, check=True)
    return bytes.fromhex(r.stdout.decode().split()[0])


def zstd(data, level, stream):
    """zstd frame; stream=True leaves the content size out of the frame header (as a pipe does)."""
    args = ['zstd', '-q', '-c', '-%d' % level]
    if not stream:
        args.append('--content-size')
        args.append('--stream-size=%d' % len(data))
    r = subprocess.run(args, input=data, capture_output=True, check=True)
    return r.stdout


_CRC_T = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0xD800000000000000 if _c & 1 else _c >> 1
    _CRC_T.append(_c)


def crc64(data):
    c = 0xFFFFFFFFFFFFFFFF
    for b in data:
        c = _CRC_T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFFFFFFFFFF


assert crc64(b'123456789') == 0xB90956C775A41001


def csum16(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(b):
    return ':'.join('%02x' % x for x in b)


def hx(b):
    return b.hex()


def ns(t):
    return '%d.%09d' % divmod(t, 1_000_000_000)


def boolean(v):
    return '1' if v else '0'

# ---------------------------------------------------------------------------------------------------- SBI vocabulary

CLDS = {
    0x01: 'SbiHandshake{peer_id:[32]u8@0;capabilities:u32@32;required_features:u32@36;optional_features:u32@40;'
          'block_size:u32@44;version:u16@48;replica_count:u8@50;_pad:u8@51}',
    0x10: 'SbiBlockWant{block_hash:[32]u8@0;priority:u8@32}',
    0x11: 'SbiBlockPut{block_hash:[32]u8@0;chunk_index:u32@32;comp_algo:u8@36;comp_level:u8@37;_pad:[2]u8@38}',
    0x20: 'SbiDagSync{root_hash:[32]u8@0;depth:u16@32;node_count:u16@34}',
    0xF0: 'SbiAck{ref_seq:u32@0;status:u8@4;_pad:[3]u8@5}',
    0xF1: 'SbiNack{ref_seq:u32@0;error_code:u16@4;error_len:u16@6}',
}
FP = {}
ERRORS = {1: 'invalid_frame_size', 2: 'missing_required_features', 3: 'unknown_schema', 4: 'hash_mismatch',
          5: 'unknown_op', 6: 'unsupported_compression', 7: 'block_not_found', 8: 'malformed_container'}
HANDSHAKE, WANT, PUT, DAG, ACK, NACK = 0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1

# UTCP flags
SYN, UACK, FIN, UNACK, DATA = 1, 2, 4, 8, 16
# Tether
MAGIC = 0x4F424F4C
LAMP, TSYNC = 1, 2
TAI_OFFSET = 37


class Frame:
    def __init__(self, number, t):
        self.number = number
        self.t = t
        self.f = {}  # field -> list of values (joined with ',' as -T fields prints repeated values)
        self.dontcare = set()
        self.findings = []  # warn/error ids this frame must carry, exactly
        self.comment = None
        self.iface = 0
        self.data = b''

    def add(self, field, value):
        self.f.setdefault(field, []).append(str(value))


class Capture:
    def __init__(self, rnd):
        self.r = rnd
        self.frames = []
        self.t = (1_790_000_000 + rnd.randrange(50_000_000)) * 1_000_000_000 + rnd.randrange(1_000_000_000)
        self.t0 = None
        self.utcp_streams = {}
        self.two_pass = {}  # frame number -> {field: [values]} only -2 shows

    def tick(self, lo=1_000, hi=400_000):
        self.t += self.r.randrange(lo, hi)
        return self.t

    def new_frame(self):
        fr = Frame(len(self.frames) + 1, self.tick())
        if self.t0 is None:
            self.t0 = fr.t
        self.frames.append(fr)
        if self.r.random() < 0.3:
            fr.iface = 1
        if self.r.random() < 0.15:
            fr.comment = 'frame %d: independent encoder, seed comment %d' % (fr.number, self.r.randrange(10 ** 6))
        return fr

    def link(self, fr, field, value):
        self.two_pass.setdefault(fr.number, {}).setdefault(field, []).append(str(value))

    # ------------------------------------------------------------------------------------------ link layers
    def emit(self, transport, payload, fr=None, eth_src=None, eth_dst=None, lie=None):
        """Wraps `payload` (the bytes that follow EtherType 0x88B5) for `transport` and records the link fields.
        transport: dict(kind='eth'|'ip4'|'ip6', vlans=[(tpid, pcp, dei, vid)], addresses, ports)."""
        r = self.r
        fr = fr or self.new_frame()
        src = eth_src or transport['mac_src']
        dst = eth_dst or transport['mac_dst']
        kind = transport['kind']
        tags = transport.get('vlans', []) if kind == 'eth' else []
        inner_type = {'eth': 0x88B5, 'ip4': 0x0800, 'ip6': 0x86DD}[kind]
        hdr = dst + src
        types = [t[0] for t in tags] + [inner_type]
        hdr += struct.pack('!H', types[0])
        for i, (tpid, pcp, dei, vid) in enumerate(tags):
            hdr += struct.pack('!HH', (pcp << 13) | (dei << 12) | vid, types[i + 1])
        fr.add('eth.src', mac(src))
        fr.add('eth.dst', mac(dst))
        fr.add('eth.type', '0x%04x' % types[0])
        for i, (tpid, pcp, dei, vid) in enumerate(tags):
            fr.add('vlan.tpid', '0x%04x' % tpid)
            fr.add('vlan.pcp', pcp)
            fr.add('vlan.dei', dei)
            fr.add('vlan.id', vid)
            fr.add('vlan.etype', '0x%04x' % types[i + 1])
        if kind == 'eth':
            body = payload
        else:
            sport, dport = transport['sport'], transport['dport']
            ulen = 8 + len(payload)
            if lie == 'udp':
                ulen += 40
            if kind == 'ip4':
                s, d = transport['ip_src'], transport['ip_dst']
                pseudo = s.packed + d.packed + struct.pack('!BBH', 0, 17, 8 + len(payload))
            else:
                s, d = transport['ip_src'], transport['ip_dst']
                pseudo = s.packed + d.packed + struct.pack('!IxxxB', 8 + len(payload), 17)
            u = struct.pack('!HHHH', sport, dport, ulen, 0) + payload
            uc = csum16(pseudo + struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload) or 0xFFFF
            if lie == 'udp':
                uc = 0
            u = u[:6] + struct.pack('!H', uc) + u[8:]
            if kind == 'ip4':
                ident, ttl = transport['next_id'](), transport['ttl']
                tot = 20 + len(u) + (60 if lie == 'ip' else 0)
                ih = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot, ident, 0x4000, ttl, 17, 0, s.packed, d.packed)
                ic = csum16(ih)
                ih = ih[:10] + struct.pack('!H', ic) + ih[12:]
                body = ih + u
                fr.add('ip.version', 4)
                fr.add('ip.hdr_len', 20)
                fr.add('ip.len', tot)
                fr.add('ip.id', '0x%04x' % ident)
                fr.add('ip.ttl', ttl)
                fr.add('ip.proto', 17)
                fr.add('ip.checksum', '0x%04x' % ic)
                fr.add('ip.src', str(s))
                fr.add('ip.dst', str(d))
            else:
                plen = len(u) + (60 if lie == 'ip6' else 0)
                flow = transport['flowlabel']
                ih = struct.pack('!IHBB16s16s', (6 << 28) | flow, plen, 17, transport['ttl'], s.packed, d.packed)
                body = ih + u
                fr.add('ipv6.plen', plen)
                fr.add('ipv6.nxt', 17)
                fr.add('ipv6.hlim', transport['ttl'])
                fr.add('ipv6.src', s.compressed)
                fr.add('ipv6.dst', d.compressed)
            if lie is None or lie == 'udp':
                fr.add('udp.srcport', sport)
                fr.add('udp.dstport', dport)
                fr.add('udp.length', ulen)
                fr.add('udp.checksum', '0x%04x' % uc)
        data = hdr + body
        if len(data) < 60:
            pad = bytes(r.randrange(256) for _ in range(60 - len(data))) if r.random() < 0.5 else bytes(60 - len(data))
            fr.add('eth.padding', hx(pad))
            data += pad
        fr.data = data
        fr.add('frame.number', fr.number)
        fr.add('frame.len', len(data))
        fr.add('frame.cap_len', len(data))
        fr.add('frame.interface_id', fr.iface)
        fr.add('frame.time', ns(fr.t))
        fr.add('frame.time_relative', ns(fr.t - self.t0))
        if fr.comment:
            fr.add('frame.comment', fr.comment)
        return fr

    def transport(self, kind=None):
        r = self.r
        kind = kind or r.choice(['eth', 'eth', 'ip4', 'ip6'])
        t = {'kind': kind}
        t['mac_src'] = bytes([r.randrange(256) & 0xFE | 0x02]) + r.randbytes(5)
        t['mac_dst'] = bytes([r.randrange(256) & 0xFE | 0x02]) + r.randbytes(5)
        if kind == 'eth':
            n = r.choice([0, 0, 1, 2])
            tags = []
            for i in range(n):
                tpid = 0x88A8 if (n == 2 and i == 0) else 0x8100
                tags.append((tpid, r.randrange(8), r.randrange(2), r.randrange(1, 4095)))
            t['vlans'] = tags
        else:
            other = r.randrange(1024, 65536)
            if other == 34997:
                other = 34998
            t['sport'], t['dport'] = (34997, other) if r.random() < 0.4 else (other, 34997)
            if r.random() < 0.2:
                t['sport'] = t['dport'] = 34997
            t['ttl'] = r.randrange(1, 256)
            ident = [r.randrange(65536)]

            def next_id():
                ident[0] = (ident[0] + 1) & 0xFFFF
                return ident[0]
            t['next_id'] = next_id
            if kind == 'ip4':
                t['ip_src'] = ipaddress.IPv4Address(r.randrange(0x0A000001, 0x0AFFFFFE))
                t['ip_dst'] = ipaddress.IPv4Address(r.randrange(0xC0A80001, 0xC0A8FFFE))
            else:
                def a6():
                    groups = [0xFD00 | r.randrange(256)] + [r.choice([0, 0, r.randrange(65536)]) for _ in range(7)]
                    return ipaddress.IPv6Address(b''.join(struct.pack('!H', g) for g in groups))
                t['ip_src'], t['ip_dst'] = a6(), a6()
                t['flowlabel'] = r.randrange(1 << 20)
        return t

    @staticmethod
    def reverse(t):
        b = dict(t)
        b['mac_src'], b['mac_dst'] = t['mac_dst'], t['mac_src']
        if t['kind'] != 'eth':
            b['sport'], b['dport'] = t['dport'], t['sport']
            b['ip_src'], b['ip_dst'] = t['ip_dst'], t['ip_src']
        return b

# ---------------------------------------------------------------------------------------------------- UTCP + SBI

class Direction:
    def __init__(self, conv, src, dst, transport, isn):
        self.conv, self.src, self.dst, self.tr = conv, src, dst, transport
        self.next = isn
        self.msg_index = 0
        self.sent = {}  # seq -> (frame, flags, payload)
        self.msgs = []  # (index, completing frame, op)
        self.peer = None


class Conversation:
    def __init__(self, cap, transport=None, wrap=False):
        self.cap = cap
        r = cap.r
        tr = transport or cap.transport()
        a, b = r.randbytes(16), r.randbytes(16)
        near = lambda: (0xFFFFFFFF - r.randrange(12)) if wrap or r.random() < 0.15 else r.randrange(1 << 32)
        self.a = Direction(self, a, b, tr, near())
        self.b = Direction(self, b, a, Capture.reverse(tr), near())
        self.a.peer, self.b.peer = self.b, self.a
        self.stream = len(cap.utcp_streams)
        cap.utcp_streams[(a, b)] = self.stream
        self.caps = {}

    def packet(self, d, flags, payload=b'', seq=None, fr=None, lie_len=0, real_len=None):
        cap = self.cap
        seq = d.next if seq is None else seq
        plen = len(payload) + lie_len
        body = struct.pack('!16s16sIHH', d.src, d.dst, seq & 0xFFFFFFFF, flags, plen) + payload
        fr = cap.new_frame() if fr is None else fr
        fr.add('utcp.src', hx(d.src))
        fr.add('utcp.dst', hx(d.dst))
        fr.add('utcp.seq', seq & 0xFFFFFFFF)
        fr.add('utcp.flags', '0x%04x' % flags)
        fr.add('utcp.flags.syn', boolean(flags & SYN))
        fr.add('utcp.flags.ack', boolean(flags & UACK))
        fr.add('utcp.flags.fin', boolean(flags & FIN))
        fr.add('utcp.flags.nack', boolean(flags & UNACK))
        fr.add('utcp.flags.data', boolean(flags & DATA))
        fr.add('utcp.flags.reserved', boolean(flags & ~0x1F))
        fr.add('utcp.len', plen)
        fr.add('utcp.stream', self.stream)
        cap.emit(d.tr, body, fr)
        return fr

    def open(self):
        a, b = self.a, self.b
        self.packet(a, SYN)
        self.packet(b, SYN)
        a.next += 1
        b.next += 1
        self.packet(a, UACK)
        self.packet(b, UACK)

    def close(self):
        for d in (self.a, self.b):
            self.packet(d, FIN)
            d.next += 1
            self.packet(d.peer, UACK)

    def nack(self, d, ranges):
        """d sends a NACK naming ranges of d.peer's seqs."""
        payload = b''.join(struct.pack('!II', f & 0xFFFFFFFF, c) for f, c in ranges)
        fr = self.packet(d, UNACK, payload)
        for f, c in ranges:
            fr.add('utcp.nack.first', f & 0xFFFFFFFF)
            fr.add('utcp.nack.count', c)
        return fr

    def send(self, d, messages, maxcut=1400, whole=False):
        """Sends SBI messages (list of (bytes, truth-callback)) on d as DATA packets cut at random places."""
        r = self.cap.r
        stream = b''.join(m for m, _ in messages)
        ends, pos = [], 0
        for m, cb in messages:
            pos += len(m)
            ends.append(pos)
        cuts, pos = [], 0
        while pos < len(stream):
            n = min(len(stream) - pos, r.choice([r.randrange(1, 40), r.randrange(1, maxcut + 1), maxcut]))
            if whole:
                n = len(stream) - pos
            cuts.append((pos, pos + n))
            pos += n
        carriers = [[] for _ in messages]
        starts = [e - len(m) for e, (m, _) in zip(ends, messages)]
        for lo, hi in cuts:
            fr = self.packet(d, DATA, stream[lo:hi])
            d.sent[d.next] = (fr, stream[lo:hi])
            d.next += 1
            for i, (m, cb) in enumerate(messages):
                if starts[i] < hi and ends[i] > lo:
                    carriers[i].append(fr)
                if lo < ends[i] <= hi:
                    # completes message i on this frame
                    fr.add('sbi.msg_index', d.msg_index)
                    cb(fr, d.msg_index)
                    d.msgs.append((d.msg_index, fr))
                    d.msg_index += 1
                    if len(carriers[i]) > 1:
                        for c in carriers[i]:
                            fr.add('sbi.segment', c.number)
                        fr.add('sbi.segment.count', len(carriers[i]))
                        for c in carriers[i]:
                            if c is not fr:
                                self.cap.link(c, 'sbi.reassembled_in', fr.number)
        return [m for m in d.msgs[-len(messages):]]

    def resend(self, d, seqs, nack_fr):
        for s in seqs:
            orig, payload = d.sent[s]
            fr = self.packet(d, DATA, payload, seq=s)
            fr.add('utcp.analysis.retransmission', 1)
            fr.add('utcp.analysis.original_frame', orig.number)
            fr.add('utcp.analysis.nack_frame', nack_fr.number)
            fr.add('utcp.analysis.retransmission_delay', ns(fr.t - nack_fr.t))


def sbi_message(op, container, fp=None, version=1, magic=b'SB', flags=0, clen=None, frame_len=None):
    fp = FP[op] if fp is None else fp
    clen = len(container) if clen is None else clen
    pre = magic + struct.pack('<BBI', version, flags, clen) + fp
    body = pre + container
    fl = len(body) if frame_len is None else frame_len
    return struct.pack('>IB', fl, op) + body


def common(fr, op, container, fp=None):
    fr.add('sbi.frame_len', 24 + len(container))
    fr.add('sbi.op', op)
    fr.add('sbi.preamble.magic', '0x5342')
    fr.add('sbi.preamble.version', 1)
    fr.add('sbi.preamble.flags', '0x00')
    fr.add('sbi.preamble.container_len', len(container))
    fr.add('sbi.schema', hx(FP[op] if fp is None else fp))
    fr.add('sbi.schema.known', 1)


# per-message builders: each returns (bytes, callback(frame, msg_index)) and a record for links

class Sbi:
    def __init__(self, cap):
        self.cap = cap
        self.hs = {}  # direction -> (caps, required)

    def handshake(self, d, caps, required, optional, block_size, replica, peer_id, extra=None):
        c = struct.pack('<32sIIIIHBB', peer_id, caps, required, optional, block_size, 1, replica, 0)
        rec = {}

        def cb(fr, idx):
            common(fr, HANDSHAKE, c)
            fr.add('sbi.handshake.peer_id', hx(peer_id))
            fr.add('sbi.handshake.capabilities', '0x%08x' % caps)
            for bit, name in enumerate(['deflate', 'zstd', 'dedup', 'recompress']):
                fr.add('sbi.handshake.capabilities.' + name, boolean(caps >> bit & 1))
            fr.add('sbi.handshake.required', '0x%08x' % required)
            fr.add('sbi.handshake.optional', '0x%08x' % optional)
            fr.add('sbi.handshake.block_size', block_size)
            fr.add('sbi.handshake.version', 1)
            fr.add('sbi.handshake.replica_count', replica)
            if extra:
                extra(fr)
            rec['frame'] = fr
        return sbi_message(HANDSHAKE, c), cb

    def want(self, hash_, prio, rec=None):
        c = hash_ + bytes([prio])

        def cb(fr, idx):
            common(fr, WANT, c)
            fr.add('sbi.want.hash', hx(hash_))
            fr.add('sbi.want.priority', prio)
            if rec is not None:
                rec['frame'] = fr
                rec['index'] = idx
        return sbi_message(WANT, c), cb

    def put(self, hash_, chunk, algo, level, data, uncompressed_len, verified=True, want=None, rec=None):
        c = struct.pack('<32sIBBH', hash_, chunk, algo, level, 0) + data

        def cb(fr, idx):
            common(fr, PUT, c)
            fr.add('sbi.put.hash', hx(hash_))
            fr.add('sbi.put.chunk_index', chunk)
            fr.add('sbi.put.comp_algo', algo)
            fr.add('sbi.put.comp_level', level)
            fr.add('sbi.put.data_len', len(data))
            if verified is not None:
                fr.add('sbi.put.verified', boolean(verified))
            if want is not None:
                fr.add('sbi.put.want_in', want['frame'].number)
                fr.add('sbi.put.latency', ns(fr.t - want['frame'].t))
                self.cap.link(want['frame'], 'sbi.want.put_in', fr.number)
            if verified:
                fr.add('sbi.put.uncompressed_len', uncompressed_len)
            if rec is not None:
                rec['frame'] = fr
                rec['index'] = idx
        return sbi_message(PUT, c), cb

    def dag(self, root, nodes, depth=1, rec=None):
        c = struct.pack('<32sHH', root, depth, len(nodes)) + b''.join(nodes)

        def cb(fr, idx):
            common(fr, DAG, c)
            fr.add('sbi.dag.root', hx(root))
            fr.add('sbi.dag.depth', depth)
            fr.add('sbi.dag.node_count', len(nodes))
            for n in nodes:
                fr.add('sbi.dag.node', hx(n))
            if rec is not None:
                rec['frame'] = fr
                rec['index'] = idx
        return sbi_message(DAG, c), cb

    def ack(self, answered, status=0):
        c = struct.pack('<IB3x', answered['index'], status)

        def cb(fr, idx):
            common(fr, ACK, c)
            fr.add('sbi.ack.ref_seq', answered['index'])
            fr.add('sbi.ack.status', status)
            fr.add('sbi.response_to', answered['frame'].number)
            self.cap.link(answered['frame'], 'sbi.response_in', fr.number)
        return sbi_message(ACK, c), cb

    def nack(self, answered, code, text=None):
        text = ERRORS[code] if text is None else text
        t = text.encode()
        c = struct.pack('<IHH', answered['index'], code, len(t)) + t

        def cb(fr, idx):
            common(fr, NACK, c)
            fr.add('sbi.nack.ref_seq', answered['index'])
            fr.add('sbi.nack.error_code', code)
            fr.add('sbi.nack.error_len', len(t))
            fr.add('sbi.nack.error', text)
            fr.add('sbi.response_to', answered['frame'].number)
            self.cap.link(answered['frame'], 'sbi.response_in', fr.number)
        return sbi_message(NACK, c), cb


def block_content(r, n):
    words = [r.randbytes(r.randrange(2, 9)) for _ in range(r.randrange(4, 40))]
    out = bytearray()
    while len(out) < n:
        out += r.choice(words) if r.random() < 0.8 else r.randbytes(r.randrange(1, 30))
    return bytes(out[:n])


def compress(r, data, algo):
    if algo == 0:
        return data, 0
    if algo == 1:
        level = r.randrange(0, 10)
        return zlib.compress(data, level), level
    level = r.randrange(1, 20)
    return zstd(data, level, r.random() < 0.5), level


def handshake_pair(cap, conv, sbi, caps_a=None, caps_b=None):
    """Both HANDSHAKEs, agreeing; returns the common capabilities. The second (in time) carries the analysis."""
    r = cap.r
    ca = caps_a if caps_a is not None else r.randrange(16)
    cb = caps_b if caps_b is not None else r.randrange(16)
    inter = ca & cb & 0xF
    sub = lambda m: m & r.randrange(16)
    ra, rb = sub(inter), sub(inter)
    comp = 'zstd' if inter & 2 else 'deflate' if inter & 1 else 'none'

    def extra(fr):
        fr.add('sbi.handshake.intersection', '0x%08x' % (ca & cb))
        fr.add('sbi.handshake.missing', '0x%08x' % 0)
        fr.add('sbi.handshake.compression', comp)
    pid = lambda d: d.src + bytes(16) if r.random() < 0.5 else r.randbytes(32)
    conv.send(conv.a, [sbi.handshake(conv.a, ca, ra, r.randrange(16), r.choice([65536, 4096, r.randrange(1, 1 << 20)]),
                                     r.randrange(256), pid(conv.a))])
    conv.send(conv.b, [sbi.handshake(conv.b, cb, rb, r.randrange(16), r.choice([65536, r.randrange(1, 1 << 20)]),
                                     r.randrange(256), pid(conv.b), extra=extra)])
    return ca & cb


def allowed_algos(inter):
    return [0] + ([1] if inter & 1 else []) + ([2] if inter & 2 else [])


def sbi_transfer(cap):
    """A get: A asks B for an object by its root, B lists its chunks, A wants each, B puts them, A ACKs; a NACK for a
    block B does not hold; A's NACK with ranges and B's re-sends; an empty NACK (tail probe); FINs."""
    r = cap.r
    conv = Conversation(cap)
    sbi = Sbi(cap)
    conv.open()
    inter = handshake_pair(cap, conv, sbi)
    blocks = []
    for i in range(r.randrange(1, 5)):
        data = block_content(r, r.choice([r.randrange(1, 200), r.randrange(200, 9000), r.randrange(9000, 30000)]))
        blocks.append((data, blake3(data)))
    root = blake3(b''.join(h for _, h in blocks))
    q = {}
    conv.send(conv.a, [sbi.dag(root, [], rec=q)])
    conv.send(conv.b, [sbi.dag(root, [h for _, h in blocks])])
    wants = [dict() for _ in blocks]
    conv.send(conv.a, [sbi.want(h, r.randrange(3), rec=w) for (_, h), w in zip(blocks, wants)])
    puts = []
    for i, ((data, h), w) in enumerate(zip(blocks, wants)):
        algo = r.choice(allowed_algos(inter))
        comp, level = compress(r, data, algo)
        rec = {}
        puts.append(sbi.put(h, i, algo, level, comp, len(data), want=w, rec=rec) + (rec,))
    # B sends the puts in one or two bursts; a NACK from A with ranges of B's seqs and B's re-sends in between
    first_seq = conv.b.next
    conv.send(conv.b, [(m, cb) for m, cb, _ in puts])
    sent = list(range(first_seq, conv.b.next))
    if len(sent) >= 2 and r.random() < 0.8:
        ranges, pick = [], sorted(r.sample(sent, r.randrange(1, min(4, len(sent)) + 1)))
        for s in pick:
            if ranges and ranges[-1][0] + ranges[-1][1] == s:
                ranges[-1][1] += 1
            else:
                ranges.append([s, 1])
        nfr = conv.nack(conv.a, ranges)
        conv.resend(conv.b, pick, nfr)
    conv.send(conv.a, [sbi.ack(rec) for _, _, rec in puts])
    missing = {}
    conv.send(conv.a, [sbi.want(r.randbytes(32), r.randrange(3), rec=missing)])
    conv.send(conv.b, [sbi.nack(missing, 7)])
    # a put of A's own: DAG_SYNC with A's nodes, B answers with what it lacks, A puts, B ACKs
    data = block_content(r, r.randrange(1, 5000))
    h = blake3(data)
    other = r.randbytes(32)
    root2 = blake3(other + h)
    conv.send(conv.a, [sbi.dag(root2, [other, h])])
    conv.send(conv.b, [sbi.dag(root2, [h])])
    algo = r.choice(allowed_algos(inter))
    comp, level = compress(r, data, algo)
    rec = {}
    conv.send(conv.a, [sbi.put(h, 1, algo, level, comp, len(data), rec=rec)])
    conv.send(conv.b, [sbi.ack(rec)])
    conv.nack(conv.a, [])  # an empty NACK: a tail probe with A's next unused seq
    conv.close()


def sbi_invalid(cap, case):
    """One conversation whose last message from A is invalid in one way; B answers as PROTOCOLS.md says."""
    r = cap.r
    conv = Conversation(cap)
    sbi = Sbi(cap)
    conv.open()
    if case == 'caps_reserved':
        ca = r.randrange(16) | (1 << r.randrange(4, 32))
        inter = ca & r.randrange(16)
        cb_ = r.randrange(16)
        conv.send(conv.a, [sbi.handshake(conv.a, ca, 0, 0, 65536, 1, r.randbytes(32))])
        fr = conv.a.msgs[-1][1]
        fr.findings.append('sbi.caps_reserved')
        fr.dontcare.update(['sbi.handshake.intersection', 'sbi.handshake.missing', 'sbi.handshake.compression'])

        def extra(f):
            f.dontcare.update(['sbi.handshake.intersection', 'sbi.handshake.missing', 'sbi.handshake.compression'])
        conv.send(conv.b, [sbi.handshake(conv.b, cb_, 0, 0, 65536, 1, r.randbytes(32), extra=extra)])
        return
    inter = handshake_pair(cap, conv, sbi, caps_a=0xF, caps_b=0xF)
    ans = {}
    data = block_content(r, r.randrange(100, 3000))
    h = blake3(data)
    finding, reply = None, None

    def bad(msg, finding_id, dontcare_prefix='sbi.', code=None, rec_frame=True):
        rec = {}

        def cb(fr, idx):
            fr.findings.append(finding_id)
            fr.dontcare.add(dontcare_prefix)
            rec['frame'], rec['index'] = fr, idx
        conv.send(conv.a, [(msg, cb)], whole=True)
        if code is not None:
            conv.send(conv.b, [sbi.nack(rec, code)])
        return rec

    if case == 'hash_mismatch':
        algo = r.choice([0, 1, 2])
        comp, level = compress(r, data, algo)
        wrong = bytearray(h)
        wrong[r.randrange(32)] ^= 1 << r.randrange(8)
        rec = {}
        m, cb0 = sbi.put(bytes(wrong), 0, algo, level, comp, len(data), verified=False, rec=rec)

        def cb(fr, idx):
            cb0(fr, idx)
            fr.findings.append('sbi.hash_mismatch')
        conv.send(conv.a, [(m, cb)])
        conv.send(conv.b, [sbi.nack(rec, 4)])
    elif case == 'container_len':
        c = h + bytes([0])
        bad(sbi_message(WANT, c, clen=len(c) + r.randrange(1, 9)), 'sbi.container_len', code=8)
    elif case == 'dag_node_count':
        nodes = [r.randbytes(32) for _ in range(r.randrange(0, 3))]
        c = struct.pack('<32sHH', blake3(b''.join(nodes)), 1, len(nodes) + r.randrange(1, 5)) + b''.join(nodes)
        bad(sbi_message(DAG, c), 'sbi.dag_node_count', code=8)
    elif case == 'frame_len_range':
        c = h + bytes([0])
        bad(sbi_message(WANT, c, frame_len=r.choice([r.randrange(0, 24), r.randrange(262145, 1 << 32)])),
            'sbi.frame_len_range', code=1)
    elif case == 'unknown_schema':
        c = h + bytes([0])
        bad(sbi_message(WANT, c, fp=r.randbytes(16)), 'sbi.unknown_schema', code=3)
    elif case == 'schema_other_op':
        c = h + bytes([0])
        bad(sbi_message(WANT, c, fp=FP[r.choice([HANDSHAKE, PUT, DAG, ACK, NACK])]), 'sbi.schema_other_op', code=3)
    elif case == 'unknown_op':
        op = r.choice([0x00, 0x02, 0x0F, 0x12, 0x2F, 0x30, 0x80, 0xF2, 0xFF])
        c = r.randbytes(r.randrange(0, 40))
        bad(sbi_message(op, c, fp=r.randbytes(16)), 'sbi.unknown_op', code=5)
    elif case == 'comp_unsupported':
        algo = r.randrange(3, 16)
        rec = {}
        m, cb0 = sbi.put(h, 0, algo, r.randrange(256), data, len(data), verified=None, rec=rec)

        def cb(fr, idx):
            cb0(fr, idx)
            fr.findings.append('sbi.comp_unsupported')
        conv.send(conv.a, [(m, cb)])
        conv.send(conv.b, [sbi.nack(rec, 6)])
    elif case == 'want_priority':
        m, cb0 = sbi.want(h, r.randrange(3, 256))

        def cb(fr, idx):
            cb0(fr, idx)
            fr.findings.append('sbi.want_priority')
        conv.send(conv.a, [(m, cb)])
    elif case == 'preamble_magic':
        c = h + bytes([0])
        bad(sbi_message(WANT, c, magic=r.choice([b'SX', b'BS', b'\0\0'])), 'sbi.preamble_magic', code=8)
    elif case == 'block_corrupt':
        comp = bytearray(zlib.compress(data, 6))
        for i in range(2, len(comp) - 4):
            comp[i] ^= 0x5A
        rec = {}
        m, cb0 = sbi.put(h, 0, 1, 6, bytes(comp), len(data), verified=None, rec=rec)

        def cb(fr, idx):
            cb0(fr, idx)
            fr.findings.append('sbi.block_corrupt')
            fr.dontcare.add('sbi.put.verified')
        conv.send(conv.a, [(m, cb)])
        conv.send(conv.b, [sbi.nack(rec, 8)])
    elif case == 'decompression_bomb':
        big = bytes(16 * 1024 * 1024 + r.randrange(1, 1 << 20))
        algo = r.choice([1, 2])
        comp = zlib.compress(big, 9) if algo == 1 else zstd(big, 19, r.random() < 0.5)
        rec = {}
        m, cb0 = sbi.put(blake3(big), 0, algo, 9, comp, len(big), verified=None, rec=rec)

        def cb(fr, idx):
            cb0(fr, idx)
            fr.findings.append('sbi.decompression_bomb')
            fr.dontcare.add('sbi.put.verified')
        conv.send(conv.a, [(m, cb)])
        conv.send(conv.b, [sbi.nack(rec, 8)])
    elif case == 'nack_error_len':
        # a NACK whose error_len lies (B answers A's want for a block it lacks)
        w = {}
        conv.send(conv.a, [sbi.want(r.randbytes(32), 0, rec=w)])
        t = ERRORS[7].encode()
        c = struct.pack('<IHH', w['index'], 7, len(t) + r.randrange(1, 100)) + t

        def cb(fr, idx):
            fr.findings.append('sbi.nack_error_len')
            fr.dontcare.add('sbi.')
            # the spine (ref_seq) is whole: only the error string's length lies, so the NACK still answers the want
            cap.link(w['frame'], 'sbi.response_in', fr.number)
        conv.send(conv.b, [(sbi_message(NACK, c), cb)])
    else:
        raise ValueError(case)

# ---------------------------------------------------------------------------------------------------- Tether

TETHER_HDR_LE = struct.Struct('<IHBBIHHIIQQQQQ')
TETHER_HDR_BE = struct.Struct('>IHBBIHHIIQQQQQ')


class TetherPeer:
    def __init__(self, r):
        self.id = (0xAC1D << 32) | r.randrange(1 << 32)
        self.mac = self.id.to_bytes(6, 'big')


class Tether:
    def __init__(self, cap, transport=None):
        self.cap = cap
        self.credit = {}  # (sender, target, flow) -> balance

    def frame(self, tr, s, t, flow, flags=0, slot=0, grant=0, nack=0, payload=b'', be=False, reserved=0,
              crc_lie=False, account=True, extra_bytes=b'', findings=(), dontcare=(), lie=None):
        cap, r = self.cap, self.cap.r
        fr = cap.new_frame()
        delay = r.randrange(1_000, 5_000_000)
        sent = fr.t - delay
        sec = (1 << 62) + sent // 1_000_000_000 + TAI_OFFSET
        nano = sent % 1_000_000_000
        if len(payload) % 64:
            payload += bytes(64 - len(payload) % 64)
        H = TETHER_HDR_BE if be else TETHER_HDR_LE
        hdr = H.pack(MAGIC, flow, flags, reserved, s.id >> 16, s.id & 0xFFFF, t.id >> 32, t.id & 0xFFFFFFFF, nano,
                     slot, grant, nack, 0, sec)
        body = hdr + payload + extra_bytes
        crc = crc64(body)
        if crc_lie:
            crc ^= 1 << r.randrange(64)
        body = body[:48] + (struct.pack('>Q', crc) if be else struct.pack('<Q', crc)) + body[56:]
        fr.add('tether.magic', '0x%08x' % MAGIC)
        fr.add('tether.flow', flow)
        fr.add('tether.flags', '0x%02x' % flags)
        fr.add('tether.flags.lamp', boolean(flags & LAMP))
        fr.add('tether.flags.sync', boolean(flags & TSYNC))
        fr.add('tether.reserved', reserved)
        fr.add('tether.sender', mac(s.mac))
        fr.add('tether.target', mac(t.mac))
        fr.add('tether.tai64n.nano', nano)
        fr.add('tether.slot', slot)
        fr.add('tether.grant', grant)
        fr.add('tether.nack_slot', nack)
        fr.add('tether.checksum', '0x%016x' % crc)
        fr.add('tether.checksum.status', 'bad' if crc_lie else 'good')
        fr.add('tether.tai64n.sec', '0x%016x' % sec)
        fr.add('tether.tai64n', ns(sent))
        fr.add('tether.blocks', len(body) // 64)
        if not crc_lie:  # a frame with a bad CRC is not accounted (docs/DECISIONS.md): its header may be damaged
            fr.add('tether.analysis.delay', ns(delay))
        fr.findings.extend(findings)
        fr.dontcare.update(dontcare)
        length = len(body)
        if account and not crc_lie:
            key = (s.id, t.id, flow)
            before = self.credit.get(key, 0)
            spent = 0 if flags & LAMP else length
            fr.add('tether.analysis.credit', before)
            fr.add('tether.analysis.spent', spent)
            fr.add('tether.analysis.credit_after', before - spent)
            assert before - spent >= 0, 'the encoder overran its own credit'
            self.credit[key] = before - spent
            if grant:
                k2 = (t.id, s.id, flow)
                self.credit[k2] = self.credit.get(k2, 0) + grant
        eth = dict(tr)
        cap.emit(tr, body, fr, eth_src=s.mac if tr['kind'] == 'eth' else None,
                 eth_dst=t.mac if tr['kind'] == 'eth' else None, lie=lie)
        return fr

    @staticmethod
    def ctrl_fields(fr, tag):
        fr.add('tether.ctrl.tag', tag)
        fr.add('tether.ctrl.reserved', 0)

    def hail(self, tr, s, t, flags, grant, version=1, caps=0):
        fr = self.frame(tr, s, t, 0, flags, grant=grant, payload=struct.pack('<IIII', 1, 0, version, caps))
        self.ctrl_fields(fr, 1)
        fr.add('tether.hail.version', version)
        fr.add('tether.hail.capabilities', '0x%08x' % caps)
        return fr

    def define(self, tr, s, t, flow, slot_size, total, grant):
        fr = self.frame(tr, s, t, 0, 0, grant=grant, payload=struct.pack('<IIHHIQ', 2, 0, flow, 0, slot_size, total))
        self.ctrl_fields(fr, 2)
        fr.add('tether.define.flow', flow)
        fr.add('tether.define.slot_size', slot_size)
        fr.add('tether.define.total_bytes', total)
        return fr

    def manifest(self, tr, s, t, flow, checksum, slots, frames, grant=0):
        p = struct.pack('<IIHHIIIQQ', 3, 0, flow, 0, checksum & 0xFFFFFFFF, checksum >> 32, 0, slots, frames)
        fr = self.frame(tr, s, t, 0, 0, grant=grant, payload=p)
        self.ctrl_fields(fr, 3)
        fr.add('tether.manifest.flow', flow)
        fr.add('tether.manifest.checksum', '0x%016x' % checksum)
        fr.add('tether.manifest.total_slots', slots)
        fr.add('tether.manifest.total_frames', frames)
        fr.add('tether.analysis.manifest_match', 1)
        return fr

    def bulk_nack(self, tr, s, t, flow, slots, flags=0, count=None, findings=(), dontcare=()):
        n = len(slots) if count is None else count
        p = struct.pack('<IIHHI', 4, 0, flow, 0, n) + b''.join(struct.pack('<Q', x) for x in slots)
        fr = self.frame(tr, s, t, 0, flags, payload=p, findings=findings, dontcare=dontcare)
        self.ctrl_fields(fr, 4)
        fr.add('tether.nack.flow', flow)
        fr.add('tether.nack.count', n)
        for x in slots:
            fr.add('tether.nack.slot', x)
        return fr

    def sideband(self, tr, s, t, flow, attention, tranches, flags=0):
        p = struct.pack('<IIHHI', 5, 0, flow, attention, len(tranches)) + b''.join(struct.pack('<Q', x) for x in tranches)
        fr = self.frame(tr, s, t, 0, flags, payload=p)
        self.ctrl_fields(fr, 5)
        fr.add('tether.sideband.flow', flow)
        fr.add('tether.sideband.attention', '0x%04x' % attention)
        fr.add('tether.sideband.count', len(tranches))
        for x in tranches:
            fr.add('tether.sideband.tranche', x)
        return fr


def tether_transfer(cap, tether):
    r = cap.r
    a, b = TetherPeer(r), TetherPeer(r)
    tr = cap.transport()
    back = Capture.reverse(tr)
    flow = r.randrange(1, 65536)
    slot_size = r.choice([64, 1000, r.randrange(1, 3000)])
    nslots = r.randrange(1, 12)
    total = slot_size * (nslots - 1) + r.randrange(1, slot_size + 1)
    content = r.randbytes(total)
    lamp = tether.hail(tr, a, b, LAMP, 128)
    reply = tether.hail(back, b, a, 0, 4096)
    tether.define(tr, a, b, flow, slot_size, total, grant=r.randrange(1024, 1 << 20))
    sb_tr = [r.randrange(1 << 64) for _ in range(r.randrange(0, 10))]
    tether.sideband(tr, a, b, flow, r.randrange(65536), sb_tr)
    # B grants on the data flow with LAMP header-only frames
    need = (64 + -(-slot_size // 64) * 64) * (nslots * 3)
    tether.frame(back, b, a, flow, LAMP, grant=need)
    sent = {}
    data_frames = 0

    def send_slot(i, nack_fr=None):
        nonlocal data_frames
        chunk = content[i * slot_size:(i + 1) * slot_size]
        fr = tether.frame(tr, a, b, flow, 0, slot=i, payload=chunk)
        padded = chunk + bytes(-len(chunk) % 64)
        fr.add('tether.payload', hx(padded))
        if nack_fr is not None:
            fr.add('tether.analysis.resent', 1)
            fr.add('tether.analysis.nack_frame', nack_fr.number)
        data_frames += 1
        return fr
    order = list(range(nslots))
    if r.random() < 0.3:
        r.shuffle(order)
    for i in order:
        sent[i] = send_slot(i)
    if nslots > 1 and r.random() < 0.8:
        k = r.randrange(1, nslots)
        nf = tether.frame(back, b, a, flow, LAMP, nack=k, grant=r.choice([0, 4096]))
        send_slot(k, nf)
    if nslots > 2 and r.random() < 0.8:
        lost = sorted(r.sample(range(nslots), r.randrange(1, min(nslots, 12) + 1)))
        nf = tether.bulk_nack(back, b, a, flow, lost)
        for k in lost:
            send_slot(k, nf)
    tether.manifest(tr, a, b, flow, crc64(content), nslots, data_frames)
    # completion: LAMP|SYNC header whose slot is the total slot count
    tether.frame(back, b, a, flow, LAMP | TSYNC, slot=nslots)


def tether_invalid(cap, tether, case):
    r = cap.r
    a, b = TetherPeer(r), TetherPeer(r)
    tr = cap.transport()
    hail = struct.pack('<IIII', 1, 0, 1, 0)

    def hail_fields(fr):
        Tether.ctrl_fields(fr, 1)
        fr.add('tether.hail.version', 1)
        fr.add('tether.hail.capabilities', '0x%08x' % 0)
    if case == 'crc_bad':
        fr = tether.frame(tr, a, b, 0, LAMP, grant=128, payload=hail, crc_lie=True, findings=['tether.crc_bad'])
        hail_fields(fr)
    elif case == 'len_not_blocks':
        fr = tether.frame(tr, a, b, 0, LAMP, grant=128, payload=hail, extra_bytes=r.randbytes(r.randrange(1, 64)),
                          findings=['tether.len_not_blocks'],
                          dontcare=['tether.blocks'])
        hail_fields(fr)
    elif case == 'undefined_flags':
        flags = LAMP | (r.randrange(1, 64) << 2)
        fr = tether.frame(tr, a, b, 0, flags, grant=128, payload=hail, findings=['tether.undefined_flags'])
        hail_fields(fr)
    elif case == 'reserved_nonzero':
        fr = tether.frame(tr, a, b, 0, LAMP, grant=128, payload=hail, reserved=r.randrange(1, 256),
                          findings=['tether.reserved_nonzero'])
        hail_fields(fr)
    elif case == 'unknown_tag':
        tag = r.choice([0, 6, 7, 100, 0xFFFFFFFF])
        fr = tether.frame(tr, a, b, 0, LAMP, payload=struct.pack('<II', tag, 0) + r.randbytes(20),
                          findings=['tether.ctrl.unknown_tag'], dontcare=['tether.'])
    elif case == 'count_overrun':
        fits = r.randrange(0, 6)
        slots = [r.randrange(1 << 20) for _ in range(fits)]
        # the payload is padded to whole blocks: the count must exceed what the padded body can hold
        body_room = (-(-(16 + 8 * fits) // 64) * 64 - 16) // 8
        tether.bulk_nack(tr, a, b, r.randrange(1, 65536), slots, flags=LAMP, count=body_room + r.randrange(1, 1000),
                         findings=['tether.ctrl.count_overrun'], dontcare=['tether.nack.slot'])
    elif case in ('udp_len_exceeds', 'ip_len_exceeds', 'ipv6_len_exceeds'):
        lie = {'udp_len_exceeds': 'udp', 'ip_len_exceeds': 'ip', 'ipv6_len_exceeds': 'ip6'}[case]
        tr = cap.transport('ip6' if lie == 'ip6' else 'ip4')
        fr = tether.frame(tr, a, b, 0, LAMP, grant=128, payload=hail, lie=lie, account=False,
                          findings=[{'udp': 'udp.len_exceeds', 'ip': 'ip.len_exceeds', 'ip6': 'ipv6.len_exceeds'}[lie]],
                          dontcare=['tether.', 'udp.'])
    elif case == 'big_endian':
        # valid, but big-endian: a note, and every field must still decode
        fr = tether.frame(tr, a, b, 0, LAMP, grant=128, payload=hail, be=True)
        hail_fields(fr)
    else:
        raise ValueError(case)


def utcp_invalid(cap, case):
    r = cap.r
    conv = Conversation(cap)
    d = conv.a
    if case == 'len_exceeds':
        fr = conv.packet(d, UACK, r.randbytes(r.randrange(0, 30)), lie_len=r.randrange(1, 500))
        fr.findings.append('utcp.len_exceeds')
        fr.dontcare.add('eth.padding')
    elif case == 'reserved_flags':
        fr = conv.packet(d, UACK | (r.randrange(1, 1 << 11) << 5))
        fr.findings.append('utcp.reserved_flags')
    elif case == 'nack_len_bad':
        fr = conv.packet(d, UNACK, r.randbytes(r.choice([1, 4, 7, 9, 12])))
        fr.findings.append('utcp.nack_len_bad')
        fr.dontcare.update(['utcp.nack.'])
    elif case == 'nack_range_empty':
        conv.open()
        fr = conv.nack(d, [(conv.b.next - 1, 0)])
        fr.findings.append('utcp.nack_range_empty')
    else:
        raise ValueError(case)

# ---------------------------------------------------------------------------------------------------- pcapng

def pcapng(frames):
    def block(t, body):
        body += bytes(-len(body) % 4)
        n = len(body) + 12
        return struct.pack('<II', t, n) + body + struct.pack('<I', n)

    def opt(code, val):
        return struct.pack('<HH', code, len(val)) + val + bytes(-len(val) % 4)
    out = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
    for i in range(2):
        out += block(1, struct.pack('<HHI', 1, 0, 262144) + opt(9, b'\x09') + opt(2, b'enc%d' % i) + opt(0, b''))
    for fr in frames:
        opts = (opt(1, fr.comment.encode()) + opt(0, b'')) if fr.comment else b''
        d = fr.data + bytes(-len(fr.data) % 4)
        out += block(6, struct.pack('<IIIII', fr.iface, fr.t >> 32, fr.t & 0xFFFFFFFF, len(fr.data), len(fr.data)) + d
                     + opts)
    return out

# ---------------------------------------------------------------------------------------------------- main

ONE_PASS = '''frame.number frame.len frame.cap_len frame.interface_id frame.time frame.time_relative frame.comment
eth.src eth.dst eth.type eth.padding vlan.tpid vlan.id vlan.pcp vlan.dei vlan.etype
ip.version ip.hdr_len ip.src ip.dst ip.len ip.ttl ip.id ip.proto ip.checksum
ipv6.src ipv6.dst ipv6.plen ipv6.nxt ipv6.hlim udp.srcport udp.dstport udp.length udp.checksum
utcp.src utcp.dst utcp.seq utcp.flags utcp.flags.syn utcp.flags.ack utcp.flags.fin utcp.flags.nack utcp.flags.data
utcp.flags.reserved utcp.len utcp.nack.first utcp.nack.count utcp.stream utcp.analysis.retransmission
utcp.analysis.original_frame utcp.analysis.nack_frame utcp.analysis.retransmission_delay
tether.magic tether.flow tether.flags tether.flags.lamp tether.flags.sync tether.reserved tether.sender tether.target
tether.tai64n.nano tether.slot tether.grant tether.nack_slot tether.checksum tether.checksum.status tether.tai64n.sec
tether.tai64n tether.blocks tether.payload tether.ctrl.tag tether.ctrl.reserved tether.hail.version
tether.hail.capabilities tether.define.flow tether.define.slot_size tether.define.total_bytes tether.manifest.flow
tether.manifest.checksum tether.manifest.total_slots tether.manifest.total_frames tether.nack.flow tether.nack.count
tether.nack.slot tether.sideband.flow tether.sideband.attention tether.sideband.count tether.sideband.tranche
tether.analysis.credit tether.analysis.spent tether.analysis.credit_after tether.analysis.resent
tether.analysis.nack_frame tether.analysis.delay tether.analysis.manifest_match
sbi.frame_len sbi.op sbi.msg_index sbi.preamble.magic sbi.preamble.version sbi.preamble.flags
sbi.preamble.container_len sbi.schema sbi.schema.known sbi.handshake.peer_id sbi.handshake.capabilities
sbi.handshake.capabilities.deflate sbi.handshake.capabilities.zstd sbi.handshake.capabilities.dedup
sbi.handshake.capabilities.recompress sbi.handshake.required sbi.handshake.optional sbi.handshake.block_size
sbi.handshake.version sbi.handshake.replica_count sbi.handshake.intersection sbi.handshake.missing
sbi.handshake.compression sbi.want.hash sbi.want.priority sbi.put.hash sbi.put.chunk_index sbi.put.comp_algo
sbi.put.comp_level sbi.put.data_len sbi.put.verified sbi.put.uncompressed_len sbi.put.want_in sbi.put.latency
sbi.dag.root sbi.dag.depth sbi.dag.node_count sbi.dag.node sbi.ack.ref_seq sbi.ack.status sbi.nack.ref_seq
sbi.nack.error_code sbi.nack.error_len sbi.nack.error sbi.segment sbi.segment.count sbi.response_to'''.split()
TWO_PASS = ONE_PASS + ['sbi.reassembled_in', 'sbi.response_in', 'sbi.want.put_in']

SBI_INVALID = ['hash_mismatch', 'container_len', 'dag_node_count', 'frame_len_range', 'unknown_schema',
               'schema_other_op', 'unknown_op', 'comp_unsupported', 'want_priority', 'preamble_magic', 'block_corrupt',
               'decompression_bomb', 'nack_error_len', 'caps_reserved']
TETHER_INVALID = ['crc_bad', 'len_not_blocks', 'undefined_flags', 'reserved_nonzero', 'unknown_tag', 'count_overrun',
                  'big_endian', 'udp_len_exceeds', 'ip_len_exceeds', 'ipv6_len_exceeds']
UTCP_INVALID = ['len_exceeds', 'reserved_flags', 'nack_len_bad', 'nack_range_empty']


def generate(seed, only=None):
    r = random.Random(seed)
    for op, cld in CLDS.items():
        FP[op] = blake3(cld.encode())[:16]
    cap = Capture(r)
    tether = Tether(cap)
    jobs = [('sbi', None)] * r.randrange(2, 4) + [('tether', None)] * r.randrange(2, 4)
    jobs += [('sbi-bad', c) for c in SBI_INVALID] + [('tether-bad', c) for c in TETHER_INVALID]
    jobs += [('utcp-bad', c) for c in UTCP_INVALID]
    r.shuffle(jobs)
    if only:
        jobs = [j for j in jobs if j[0] in only or (j[1] or '') in only]
    for kind, case in jobs:
        if kind == 'sbi':
            sbi_transfer(cap)
        elif kind == 'tether':
            tether_transfer(cap, tether)
        elif kind == 'sbi-bad':
            sbi_invalid(cap, case)
        elif kind == 'tether-bad':
            tether_invalid(cap, tether, case)
        else:
            utcp_invalid(cap, case)
    return cap, jobs


def dontcare(fr, field):
    return any(field == p or (p.endswith('.') and field.startswith(p)) for p in fr.dontcare)


def table(cap, fields, two_pass):
    lines = ['\t'.join(fields)]
    for fr in cap.frames:
        vals = {k: list(v) for k, v in fr.f.items()}
        if two_pass:
            for k, v in cap.two_pass.get(fr.number, {}).items():
                vals.setdefault(k, []).extend(v)
        lines.append('\t'.join(','.join(vals.get(f, [])) for f in fields))
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--only', nargs='*')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cap, jobs = generate(a.seed, a.only)
    with open(os.path.join(a.out, 'capture.pcapng'), 'wb') as f:
        f.write(pcapng(cap.frames))
    with open(os.path.join(a.out, 'fields.txt'), 'w') as f:
        f.write('\n'.join(ONE_PASS) + '\n')
    with open(os.path.join(a.out, 'fields2.txt'), 'w') as f:
        f.write('\n'.join(TWO_PASS) + '\n')
    with open(os.path.join(a.out, 'expected.tsv'), 'w') as f:
        f.write(table(cap, ONE_PASS, False))
    with open(os.path.join(a.out, 'expected2.tsv'), 'w') as f:
        f.write(table(cap, TWO_PASS, True))
    with open(os.path.join(a.out, 'dontcare.tsv'), 'w') as f:
        for fr in cap.frames:
            for field in TWO_PASS:
                if dontcare(fr, field):
                    f.write('%d\t%s\n' % (fr.number, field))
    with open(os.path.join(a.out, 'findings.tsv'), 'w') as f:
        for fr in cap.frames:
            f.write('%d\t%s\n' % (fr.number, ','.join(fr.findings)))
    truth = {'seed': a.seed, 'scenarios': ['%s:%s' % j if j[1] else j[0] for j in jobs], 'frames': [
        {'number': fr.number, 'fields': fr.f, 'two_pass': cap.two_pass.get(fr.number, {}),
         'dontcare': sorted(fr.dontcare), 'findings': fr.findings} for fr in cap.frames]}
    with open(os.path.join(a.out, 'truth.json'), 'w') as f:
        json.dump(truth, f, indent=1)
    print('%d frames, %d scenarios' % (len(cap.frames), len(jobs)))


if __name__ == '__main__':
    main()
