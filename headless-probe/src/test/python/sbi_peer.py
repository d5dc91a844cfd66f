#!/usr/bin/env python3
"""Independent UTCP-SBI peer over UDP, written from /work/shared/PROTOCOLS.md (sections 2 and 4) and the endpoint
docs (docs/ENDPOINT-SBI.md, docs/ENDPOINT-CLI.md, endpoint/README.md's packet table) only, without reading
cellscope's sources: the second implementation IndependentSbiPeerTest holds `cellscope endpoint serve|put|get` to.

Roles:
  client --to CELLID@HOST:PORT --file F [--ops put,put,get] [-o OUT]   against `cellscope endpoint serve`
      put: DAG_SYNC offer, BLOCK_PUTs of what the answer lacks, every one ACKed (a second put must lack nothing);
      get: DAG_SYNC query, BLOCK_WANTs (at most 32 in flight), every BLOCK_PUT verified and ACKed, compared with F.
      Each op is one UTCP connection (SYN/ACK open, FIN close), all from the same CellID.
  serve --listen HOST:PORT [--connections N]                          what `cellscope endpoint put/get` talk to
      answers HANDSHAKE, DAG_SYNC offers and queries, stores verified BLOCK_PUTs, answers BLOCK_WANTs; exits after
      N connections closed cleanly.
Common: --loss P --seed N (drop our own sends), --caps zstd,deflate, --prefer zstd|deflate|none, --random-cuts
(DATA payloads of random sizes, so messages straddle packets), --isn-near-wrap (initial seqs just below 2^32).

As an oracle it checks every datagram and message it receives against PROTOCOLS.md (header, flags, seq continuity,
data changed on a repeated seq, preamble, fingerprint, container layout, pads, HANDSHAKE fields, agreed compression,
BLAKE3 of every block, chunk order, ACK ref_seq/status, DAG answers) and lists what disagrees as problems.
Prints one JSON summary on stdout; exit 0 only when every op completed and there were no problems.
Needs the commands b3sum (BLAKE3) and zstd; deflate is zlib.
"""
import argparse, json, os, random, socket, struct, subprocess, sys, time, zlib

M32 = 0xFFFFFFFF
SYN, ACK, FIN, NACK, DATA = 0x01, 0x02, 0x04, 0x08, 0x10
HDR = struct.Struct('>16s16sIHH')
MAX_BLOCK_OUT = 16 << 20
OP_HANDSHAKE, OP_WANT, OP_PUT, OP_DAG, OP_ACK, OP_NACK = 0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1
OP_NAMES = {OP_HANDSHAKE: 'HANDSHAKE', OP_WANT: 'BLOCK_WANT', OP_PUT: 'BLOCK_PUT', OP_DAG: 'DAG_SYNC', OP_ACK: 'ACK',
            OP_NACK: 'NACK'}
ERR = {1: 'invalid_frame_size', 2: 'missing_required_features', 3: 'unknown_schema', 4: 'hash_mismatch',
       5: 'unknown_op', 6: 'unsupported_compression', 7: 'block_not_found', 8: 'malformed_container'}
CODE = {v: k for k, v in ERR.items()}
CLD = {
    OP_HANDSHAKE: 'SbiHandshake{peer_id:[32]u8@0;capabilities:u32@32;required_features:u32@36;optional_features:u32@40;'
                  'block_size:u32@44;version:u16@48;replica_count:u8@50;_pad:u8@51}',
    OP_WANT: 'SbiBlockWant{block_hash:[32]u8@0;priority:u8@32}',
    OP_PUT: 'SbiBlockPut{block_hash:[32]u8@0;chunk_index:u32@32;comp_algo:u8@36;comp_level:u8@37;_pad:[2]u8@38}',
    OP_DAG: 'SbiDagSync{root_hash:[32]u8@0;depth:u16@32;node_count:u16@34}',
    OP_ACK: 'SbiAck{ref_seq:u32@0;status:u8@4;_pad:[3]u8@5}',
    OP_NACK: 'SbiNack{ref_seq:u32@0;error_code:u16@4;error_len:u16@6}',
}
CAP_BITS = {'deflate': 1, 'zstd': 2, 'dedup': 4, 'recompress': 8}


# ---------------------------------------------------------------- primitives
def blake3(data):
    r = subprocess.run(['b3sum', '--no-names', '--raw', '-'], input=bytes(data), capture_output=True, check=True)
    assert len(r.stdout) == 32
    return r.stdout


FP = {op: blake3(cld.encode('ascii'))[:16] for op, cld in CLD.items()}
EMPTY_ROOT = blake3(b'')


def zstd_compress(data, level):
    return subprocess.run(['zstd', '-q', '-c', '-%d' % level], input=data, capture_output=True, check=True).stdout


def bounded(proc_out_reader):
    out = proc_out_reader.read(MAX_BLOCK_OUT + 1)
    return out


def decompress(algo, data):
    """(bytes or None, error name or None). Bounded at 16 MiB, as PROTOCOLS.md decides."""
    if algo == 0:
        return bytes(data), None
    if algo == 1:
        d = zlib.decompressobj()
        try:
            out = d.decompress(data, MAX_BLOCK_OUT + 1)
        except zlib.error as e:
            return None, 'hash_mismatch: deflate data corrupt (%s)' % e
        if len(out) > MAX_BLOCK_OUT:
            return None, 'malformed_container: inflates beyond 16 MiB'
        if not d.eof or d.unused_data:
            return None, 'hash_mismatch: deflate stream truncated or followed by bytes'
        return out, None
    if algo == 2:
        p = subprocess.Popen(['zstd', '-d', '-q', '-c'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            p.stdin.write(data)
            p.stdin.close()
        except BrokenPipeError:
            pass
        out = p.stdout.read(MAX_BLOCK_OUT + 1)
        if len(out) > MAX_BLOCK_OUT:
            p.kill(); p.wait()
            return None, 'malformed_container: inflates beyond 16 MiB'
        if p.wait() != 0:
            return None, 'hash_mismatch: zstd data corrupt'
        return out, None
    return None, 'unsupported_compression: comp_algo %d' % algo


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & 0xFFFFFFFFFFFFFFFF


def siphash128(key, msg):
    """SipHash-2-4 with 128-bit output (the reference's siphash.c with outlen 16)."""
    M = 0xFFFFFFFFFFFFFFFF
    k0, k1 = struct.unpack('<QQ', key)
    v = [0x736f6d6570736575 ^ k0, 0x646f72616e646f6d ^ k1, 0x6c7967656e657261 ^ k0, 0x7465646279746573 ^ k1]
    v[1] ^= 0xee

    def rnd():
        v[0] = (v[0] + v[1]) & M; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & M; v[3] = rotl(v[3], 16); v[3] ^= v[2]
        v[0] = (v[0] + v[3]) & M; v[3] = rotl(v[3], 21); v[3] ^= v[0]
        v[2] = (v[2] + v[1]) & M; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32)

    n = len(msg)
    for i in range(0, n - n % 8, 8):
        m = struct.unpack_from('<Q', msg, i)[0]
        v[3] ^= m; rnd(); rnd(); v[0] ^= m
    tail = msg[n - n % 8:] + b'\0' * (7 - n % 8)
    b = ((n & 0xFF) << 56) | int.from_bytes(tail[:7], 'little')
    v[3] ^= b; rnd(); rnd(); v[0] ^= b
    v[2] ^= 0xee
    for _ in range(4): rnd()
    lo = v[0] ^ v[1] ^ v[2] ^ v[3]
    v[1] ^= 0xdd
    for _ in range(4): rnd()
    hi = v[0] ^ v[1] ^ v[2] ^ v[3]
    return struct.pack('<QQ', lo, hi)


# the reference implementation's first 128-bit vector (key 00..0f, empty message)
assert siphash128(bytes(range(16)), b'').hex() == 'a3817f04ba25a8e66df67214c7550293'


def cell_id_of(public_key):
    return siphash128(b'\0' * 16, public_key)  # [decided] key = 16 zero bytes


def caps_of(s):
    v = 0
    for name in filter(None, s.split(',')):
        v |= CAP_BITS[name]
    return v


def chunks_of(data, block_size):
    return [data[i:i + block_size] for i in range(0, len(data), block_size)]


# ---------------------------------------------------------------- SBI codec
def message(op, container, fp=None):
    pre = b'SB' + bytes([1, 0]) + struct.pack('<I', len(container)) + (fp or FP[op])
    return struct.pack('>IB', 24 + len(container), op) + pre + container


def handshake(peer_id, caps, required, block_size):
    return message(OP_HANDSHAKE, peer_id + struct.pack('<IIIIHBB', caps, required, 0, block_size, 1, 1, 0))


def dag_sync(root, nodes):
    return message(OP_DAG, root + struct.pack('<HH', 1, len(nodes)) + b''.join(nodes))


def block_want(h, prio=0):
    return message(OP_WANT, h + bytes([prio]))


def block_put(h, index, algo, level, data):
    return message(OP_PUT, h + struct.pack('<IBBH', index, algo, level, 0) + data)


def sbi_ack(ref, status=0):
    return message(OP_ACK, struct.pack('<IB3s', ref, status, b'\0\0\0'))


def sbi_nack(ref, name):
    e = name.encode()
    return message(OP_NACK, struct.pack('<IHH', ref, CODE[name], len(e)) + e)


# ---------------------------------------------------------------- UTCP
def unwrap(s, ref):
    d = (s - ref) & M32
    if d >= 1 << 31:
        d -= 1 << 32
    return ref + d


class Endpoint:
    def __init__(self, args, sock, my_id):
        self.args, self.sock, self.my_id = args, sock, my_id
        self.loss_rng = random.Random(args.seed * 7919 + 1)
        self.rng = random.Random(args.seed)
        self.dropped = 0
        self.sent_packets = 0
        self.problems = []
        self.notes = []

    def problem(self, what):
        if len(self.problems) < 200:
            self.problems.append(what)
        print('PROBLEM: ' + what, file=sys.stderr, flush=True)

    def log(self, what):
        if self.args.verbose:
            print('%.3f %s' % (time.monotonic(), what), file=sys.stderr, flush=True)

    def wire(self, addr, dst, seq, flags, payload=b''):
        pkt = HDR.pack(self.my_id, dst, seq & M32, flags, len(payload)) + payload
        if self.args.loss and self.loss_rng.random() < self.args.loss:
            self.dropped += 1
            if self.args.verbose > 1:
                self.log('drop %s seq %d len %d' % (flag_names(flags), seq & M32, len(payload)))
            return
        if self.args.verbose > 1:
            self.log('send %s seq %d len %d' % (flag_names(flags), seq & M32, len(payload)))
        self.sent_packets += 1
        self.sock.sendto(pkt, addr)

    def new_isn(self):
        if self.args.isn_near_wrap:
            return (M32 - self.rng.randrange(0, 40)) & M32
        return self.rng.randrange(0, 1 << 32)


class Conn:
    """One UTCP connection: both directions, NACK-based recovery, tail probes, SYN/FIN repetition."""

    def __init__(self, ep, peer, addr, initiator):
        self.ep, self.peer, self.addr, self.initiator = ep, peer, addr, initiator
        self.isn = ep.new_isn()
        self.snd_next = self.isn  # unwrapped; SYN takes isn
        self.sent = {}  # seq -> [flags, payload, last sent]
        self.syn_acked = False
        self.syn_next_at, self.syn_delay, self.syn_first = 0.0, 0.1, None
        self.fin_seq = None
        self.fin_acked = False
        self.fin_next_at, self.fin_delay, self.fin_first = 0.0, 0.1, None
        self.close_wanted = False
        self.outbuf = bytearray()
        self.last_data_sent = None
        self.probes_left = 0
        self.probe_at = 0.0
        # receive side
        self.rcv_isn = None
        self.rcv_next = None
        self.peer_max = None  # first seq not known to exist
        self.held = {}
        self.payload_of = {}  # delivered seq -> payload (to tell a repeat from changed data)
        self.gaps = {}  # seq -> [known since, last nacked or None, delay, first nack]
        self.peer_fin = None
        self.peer_fin_delivered = False
        self.received_data = False
        self.closed = None  # reason when over
        self.done_at = None
        self.last_heard = time.monotonic()
        self.counters = dict(data_in=0, dup_in=0, nacks_in=0, nack_seqs_in=0, retrans_out=0, nacks_out=0,
                             probes_out=0, acks_in=0, data_out=0)
        self.sbi = None

    # -- sending
    def send_syn(self, now):
        self.ep.wire(self.addr, self.peer, self.isn, SYN)
        if self.syn_first is None:
            self.syn_first = now
            self.snd_next = self.isn + 1
        self.syn_next_at = now + self.syn_delay
        self.syn_delay = min(self.syn_delay * 2, 2.0)

    def write(self, b):
        self.outbuf += b

    def flush(self, now):
        if not self.syn_acked or not self.outbuf:
            return
        while self.outbuf:
            n = self.ep.rng.randint(1, 1400) if self.ep.args.random_cuts else 1400
            chunk = bytes(self.outbuf[:n])
            del self.outbuf[:n]
            seq = self.snd_next
            self.snd_next += 1
            self.sent[seq] = [DATA, chunk, now]
            self.counters['data_out'] += 1
            self.ep.wire(self.addr, self.peer, seq, DATA, chunk)
        self.last_data_sent = now
        self.probes_left, self.probe_delay = 3, 0.02
        self.probe_at = now + self.probe_delay

    def send_fin(self, now):
        if self.fin_seq is None:
            self.fin_seq = self.snd_next
            self.snd_next += 1
            self.fin_first = now
        self.ep.wire(self.addr, self.peer, self.fin_seq, FIN)
        self.fin_next_at = now + self.fin_delay
        self.fin_delay = min(self.fin_delay * 2, 2.0)

    def ack(self):
        self.ep.wire(self.addr, self.peer, self.snd_next, ACK)

    def close(self):
        self.close_wanted = True

    # -- receiving
    def on_packet(self, seq, flags, payload, now):
        ep = self.ep
        self.last_heard = now
        if flags & ~0x1F:
            ep.problem('reserved UTCP flag bits set: 0x%04x' % flags)
        kind = flags & 0x1F
        if kind == SYN:
            if self.rcv_isn is None:
                self.rcv_isn = seq
                self.rcv_next = self.peer_max = seq + 1
                if not self.initiator:
                    self.send_syn(now)
                self.ack()
            elif seq != self.rcv_isn:
                ep.notes.append('SYN with another seq on a live connection ignored')
            elif not self.received_data:
                self.ack()  # our ACK of its SYN was lost (it sends DATA only once its SYN is ACKed)
                if not self.syn_acked:
                    self.send_syn(now)
            return
        if self.rcv_isn is None:
            # its SYN was lost: an ACK still answers ours, a NACK (tail probe) has nothing for us; DATA and FIN come
            # only after our ACK of its SYN, so they cannot come before it
            if kind == ACK and not self.syn_acked and self.syn_first is not None:
                self.syn_acked = True
            elif kind != NACK and kind != ACK:
                ep.problem('%s before the peer SYN' % flag_names(flags))
            return
        if flags & (DATA | FIN):
            self.received_data = True
        s = unwrap(seq, self.rcv_next)
        if kind == ACK:
            if not self.syn_acked and self.ep.args.ignore_first_syn_ack:
                self.ep.args.ignore_first_syn_ack = False  # as if it were lost: our SYN is repeated
                return
            self.counters['acks_in'] += 1
            self.learn_exists(s, now)
            if not self.syn_acked and self.syn_first is not None:
                self.syn_acked = True
                ep.log('open')
            elif self.fin_seq is not None and not self.fin_acked:
                self.fin_acked = True
                ep.log('our FIN acknowledged')
            return
        if kind == NACK:
            self.counters['nacks_in'] += 1
            self.learn_exists(s, now)
            if len(payload) % 8:
                ep.problem('NACK payload_len %d is not a multiple of 8' % len(payload))
            resend = []
            for i in range(0, len(payload) - len(payload) % 8, 8):
                first, count = struct.unpack_from('>II', payload, i)
                if count == 0:
                    ep.problem('NACK range with count 0')
                for k in range(count):
                    q = unwrap((first + k) & M32, self.snd_next)
                    resend.append(q)
            self.counters['nack_seqs_in'] += len(resend)
            for q in resend:
                if q in self.sent:
                    ent = self.sent[q]
                    if now - ent[2] < 0.002:
                        continue
                    ent[2] = now
                    self.counters['retrans_out'] += 1
                    ep.wire(self.addr, self.peer, q, ent[0], ent[1])
                elif self.fin_seq is not None and q == self.fin_seq:
                    ep.wire(self.addr, self.peer, q, FIN)
                elif q >= self.snd_next or q <= self.isn:
                    ep.problem('peer NACKed seq %d, which we never sent (next unused %d)' % (q & M32, self.snd_next & M32))
            return
        if kind == DATA or kind == FIN:
            if kind == FIN:
                if payload:
                    ep.problem('FIN with a payload')
                if self.peer_fin is not None and self.peer_fin != s:
                    ep.problem('FIN seq changed')
                self.peer_fin = s
            else:
                self.counters['data_in'] += 1
                if self.peer_fin is not None and s > self.peer_fin:
                    ep.problem('DATA seq %d after the FIN' % (s & M32))
            if s < self.rcv_next or s in self.held:
                self.counters['dup_in'] += 1
                old = self.payload_of.get(s, self.held.get(s, (None, None))[1])
                if old is not None and old != payload:
                    ep.problem('seq %d repeated with a different payload (data changed)' % (s & M32))
                if kind == FIN and self.peer_fin_delivered:
                    self.ack()  # our ACK of its FIN was lost
                return
            self.held[s] = (kind, payload)
            self.gaps.pop(s, None)
            self.learn_exists(s + 1, now)
            self.deliver(now)
            return
        ep.problem('packet with flags 0x%04x (not one of SYN, ACK, FIN, NACK, DATA)' % flags)

    def learn_exists(self, upto, now):
        if upto > self.peer_max:
            for q in range(self.peer_max, upto):
                if q not in self.held and q >= self.rcv_next:
                    self.gaps.setdefault(q, [now, None, 0.01, None])
            self.peer_max = upto

    def deliver(self, now):
        while self.rcv_next in self.held:
            kind, payload = self.held.pop(self.rcv_next)
            self.gaps.pop(self.rcv_next, None)
            if kind == DATA:
                self.payload_of[self.rcv_next] = payload
                if self.sbi:
                    self.sbi.on_bytes(payload, now)
            else:
                self.peer_fin_delivered = True
                self.ack()
                if self.sbi:
                    self.sbi.on_peer_fin(now)
            self.rcv_next += 1

    # -- timers
    def tick(self, now):
        ep = self.ep
        if self.closed:
            return
        if self.syn_first is not None and not self.syn_acked and now >= self.syn_next_at:
            if now - self.syn_first > 5:
                self.closed = 'connect timeout: SYN not acknowledged'
                return
            self.send_syn(now)
        self.flush(now)
        # NACKs: 3 ms reorder window, repeated with doubling delay (10 ms .. 250 ms), 5 s at most
        due = []
        for q, g in self.gaps.items():
            if g[1] is None:
                if now - g[0] >= 0.003:
                    due.append(q)
            elif now - g[1] >= g[2]:
                due.append(q)
        if due:
            # endpoint/README.md (DECISIONS.md, Endpoint): a NACK's first range starts at our next expected seq, which
            # tells the sender everything below it arrived; so once any gap is due, every gap past the reorder window
            # goes, lowest first (a NACK of a later gap alone would free the earlier one at the sender)
            due = sorted(q for q, g in self.gaps.items() if now - g[0] >= 0.003)
            for q in due:
                g = self.gaps[q]
                if g[3] is None:
                    g[3] = now
                elif now - g[3] > 5:
                    self.closed = 'NACK not answered for seq %d' % (q & M32)
                    return
                if g[1] is not None:
                    g[2] = min(g[2] * 2, 0.25)
                g[1] = now
            ranges = []
            for q in due:
                if ranges and ranges[-1][0] + ranges[-1][1] == q:
                    ranges[-1][1] += 1
                else:
                    ranges.append([q, 1])
            for i in range(0, len(ranges), 175):
                body = b''.join(struct.pack('>II', f & M32, c) for f, c in ranges[i:i + 175])
                self.counters['nacks_out'] += 1
                ep.wire(self.addr, self.peer, self.snd_next, NACK, body)
        # tail probe: an empty NACK carrying our next unused seq, three times per idle period
        if self.probes_left and now >= self.probe_at and self.fin_seq is None:
            self.probes_left -= 1
            self.counters['probes_out'] += 1
            ep.wire(self.addr, self.peer, self.snd_next, NACK)
            self.probe_delay *= 2
            self.probe_at = now + self.probe_delay
        if self.sbi and self.sbi.awaiting() and not self.probes_left and self.last_data_sent \
                and now - max(self.last_heard, self.probe_at) > 0.5:
            self.probes_left, self.probe_delay, self.probe_at = 3, 0.02, now  # still waiting for an answer
        if self.close_wanted and self.syn_acked and not self.outbuf:
            if self.fin_seq is None or (not self.fin_acked and now >= self.fin_next_at):
                if self.fin_first is not None and now - self.fin_first > 10:
                    self.closed = 'close timeout: FIN not acknowledged'
                    return
                self.send_fin(now)
        if self.fin_acked and self.peer_fin_delivered and self.done_at is None:
            self.done_at = now
        if self.done_at is not None and now - self.done_at > 0.5:
            self.closed = 'closed'


def flag_names(f):
    return '|'.join(n for b, n in ((SYN, 'SYN'), (ACK, 'ACK'), (FIN, 'FIN'), (NACK, 'NACK'), (DATA, 'DATA')) if f & b) or '0'


# ---------------------------------------------------------------- SBI session
class Sbi:
    """The SBI side of one connection. Subclasses: the client's ops and the server."""

    def __init__(self, conn, args, store):
        self.conn, self.args, self.store = conn, args, store
        self.ep = conn.ep
        self.buf = bytearray()
        self.in_index = 0
        self.out_index = 0
        self.remote = None  # remote HANDSHAKE fields
        self.caps = caps_of(args.caps)
        self.common = None
        self.dead = None
        self.outstanding_puts = {}  # out index -> cid
        self.served = {}  # cid -> first position in an object served on this connection
        self.counts = dict(msgs_in=0, msgs_out=0, blocks_sent=0, blocks_stored=0, acks_in=0, nacks_in=0,
                           nacks_sent=0, comp_in={}, comp_out={})

    def problem(self, what):
        self.ep.problem(what)

    def send(self, msg):
        self.conn.write(msg)
        self.out_index += 1
        self.counts['msgs_out'] += 1
        return self.out_index - 1

    def start(self):
        """Our HANDSHAKE is the first message of our direction: queued at once, sent once our SYN is ACKed, so
        nothing the remote's HANDSHAKE makes us send (when it comes first) can overtake it."""
        self.send(handshake(self.ep.my_id + b'\0' * 16, self.caps, caps_of(self.args.require), self.args.block_size))

    def awaiting(self):
        return False

    def on_peer_fin(self, now):
        pass

    def on_bytes(self, b, now):
        self.buf += b
        while len(self.buf) >= 5 and not self.dead:
            frame_len, op = struct.unpack_from('>IB', self.buf, 0)
            if frame_len < 24 or frame_len > 262144:
                self.problem('frame_len %d out of [24, 262144] (op 0x%02x)' % (frame_len, op))
                self.dead = 'invalid_frame_size'
                self.send(sbi_nack(self.in_index, 'invalid_frame_size'))
                self.conn.close()
                return
            if len(self.buf) < 5 + frame_len:
                return
            frame = bytes(self.buf[5:5 + frame_len])
            del self.buf[:5 + frame_len]
            idx = self.in_index
            self.in_index += 1
            self.counts['msgs_in'] += 1
            self.message(idx, op, frame, now)

    def message(self, idx, op, frame, now):
        name = OP_NAMES.get(op, '0x%02x' % op)
        if op not in OP_NAMES:
            self.problem('message %d: unassigned op 0x%02x' % (idx, op))
            return
        if frame[:2] != b'SB' or frame[2] != 1 or frame[3] != 0:
            self.problem('message %d %s: preamble %s (want 53 42 01 00)' % (idx, name, frame[:4].hex()))
        clen = struct.unpack_from('<I', frame, 4)[0]
        if clen != len(frame) - 24:
            self.problem('message %d %s: container_len %d, frame says %d' % (idx, name, clen, len(frame) - 24))
        if frame[8:24] != FP[op]:
            self.problem('message %d %s: fingerprint %s is not this op\'s %s' % (idx, name, frame[8:24].hex(), FP[op].hex()))
        c = frame[24:]
        fixed = {OP_HANDSHAKE: 52, OP_WANT: 33, OP_ACK: 8}
        spine = {OP_PUT: 40, OP_DAG: 36, OP_NACK: 8}
        if op in fixed and len(c) != fixed[op] or op in spine and len(c) < spine[op]:
            self.problem('message %d %s: container of %d bytes breaks its layout' % (idx, name, len(c)))
            return
        if op != OP_HANDSHAKE and op in (OP_WANT, OP_PUT, OP_DAG) and self.remote is None:
            self.problem('message %d %s before the peer HANDSHAKE' % (idx, name))
        if op == OP_HANDSHAKE:
            self.on_handshake(idx, c)
        elif op == OP_ACK:
            ref, status, pad = struct.unpack('<IB3s', c)
            if pad != b'\0\0\0':
                self.problem('ACK pad not zero')
            if status != 0:
                self.problem('ACK status %d' % status)
            self.counts['acks_in'] += 1
            if ref not in self.outstanding_puts:
                self.problem('ACK ref_seq %d answers no BLOCK_PUT of ours awaiting an answer (ours: %s)'
                             % (ref, sorted(self.outstanding_puts)[:5]))
            else:
                self.on_put_acked(ref, self.outstanding_puts.pop(ref), now)
        elif op == OP_NACK:
            ref, code, elen = struct.unpack_from('<IHH', c)
            text = c[8:]
            if elen != len(text):
                self.problem('NACK error_len %d, %d bytes follow' % (elen, len(text)))
            self.counts['nacks_in'] += 1
            if ERR.get(code) != text.decode('utf-8', 'replace'):
                self.problem('NACK code %d with error string %r (want its name)' % (code, text))
            self.on_nack(ref, ERR.get(code, str(code)), now)
        elif op == OP_DAG:
            root = c[:32]
            depth, n = struct.unpack_from('<HH', c, 32)
            if len(c) != 36 + 32 * n:
                self.problem('DAG_SYNC node_count %d with %d bytes of nodes' % (n, len(c) - 36))
                return
            if depth != 1:
                self.problem('DAG_SYNC depth %d (objects have depth 1)' % depth)
            self.on_dag(idx, root, [c[36 + 32 * i:68 + 32 * i] for i in range(n)], now)
        elif op == OP_WANT:
            if c[32] > 2:
                self.problem('BLOCK_WANT priority %d' % c[32])
            self.on_want(idx, c[:32], now)
        elif op == OP_PUT:
            h = c[:32]
            index, algo, level, pad = struct.unpack_from('<IBBH', c, 32)
            if pad:
                self.problem('BLOCK_PUT pad not zero')
            data = c[40:]
            self.counts['comp_in'][algo] = self.counts['comp_in'].get(algo, 0) + 1
            if algo not in (0, 1, 2):
                self.problem('BLOCK_PUT comp_algo %d' % algo)
                self.nack(idx, 'unsupported_compression')
                return
            if algo and not (self.common or 0) & algo:
                self.problem('BLOCK_PUT comp_algo %d, which the HANDSHAKEs did not agree on (common %d)'
                             % (algo, self.common or 0))
                self.nack(idx, 'unsupported_compression')
                return
            if algo == 0 and level:
                self.ep.notes.append('raw BLOCK_PUT with comp_level %d' % level)
            raw, err = decompress(algo, data)
            if raw is None:
                self.problem('BLOCK_PUT %s: %s' % (h.hex()[:16], err))
                self.nack(idx, err.split(':')[0])
                return
            if blake3(raw) != h:
                self.problem('BLOCK_PUT %s: BLAKE3 of the %d decompressed bytes differs' % (h.hex()[:16], len(raw)))
                self.nack(idx, 'hash_mismatch')
                return
            if algo and len(data) >= len(raw):
                self.ep.notes.append('compressed BLOCK_PUT that did not shrink (%d -> %d)' % (len(raw), len(data)))
            self.on_block(idx, h, index, raw, now)

    def nack(self, idx, name):
        self.counts['nacks_sent'] += 1
        self.send(sbi_nack(idx, name))

    def on_handshake(self, idx, c):
        peer_id, caps, req, opt, bs, ver, rep, pad = struct.unpack('<32sIIIIHBB', c)
        if self.remote is not None:
            self.problem('a second HANDSHAKE')
            return
        self.remote = dict(caps=caps, required=req, optional=opt, block_size=bs, version=ver, replica=rep)
        if peer_id != self.conn.peer + b'\0' * 16:
            self.problem('HANDSHAKE peer_id %s is not the CellID %s + 16 zero bytes' % (peer_id.hex(), self.conn.peer.hex()))
        if caps >> 4 or req >> 4 or opt >> 4:
            self.problem('HANDSHAKE reserved capability bits set: caps 0x%x required 0x%x optional 0x%x' % (caps, req, opt))
        if ver != 1:
            self.problem('HANDSHAKE version %d' % ver)
        if pad:
            self.problem('HANDSHAKE pad not zero')
        if not 0 < bs <= 262080:
            self.problem('HANDSHAKE block_size %d' % bs)
        self.common = self.caps & caps
        missing = req & ~self.common
        mine = caps_of(self.args.require) & ~self.common
        if missing or mine:
            self.nack(idx, 'missing_required_features')
            self.dead = 'missing_required_features'
            self.conn.close()
            return
        self.ep.log('handshake: remote caps %d, common %d' % (caps, self.common))
        self.on_ready()

    def algo(self):
        pref = self.args.prefer
        if pref == 'none':
            return 0
        if pref == 'deflate' and self.common & 1:
            return 1
        if self.common & 2:
            return 2
        if self.common & 1:
            return 1
        return 0

    def send_block(self, cid, index, raw):
        algo = self.algo()
        data, level = raw, 0
        if algo == 2:
            data, level = zstd_compress(raw, 3), 3
        elif algo == 1:
            data, level = zlib.compress(raw, 6), 6
        if algo and len(data) >= len(raw):
            algo, data, level = 0, raw, 0
        self.counts['comp_out'][algo] = self.counts['comp_out'].get(algo, 0) + 1
        i = self.send(block_put(cid, index, algo, level, data))
        self.outstanding_puts[i] = cid
        self.counts['blocks_sent'] += 1

    # hooks
    def on_ready(self): pass

    def on_put_acked(self, ref, cid, now): pass

    def on_nack(self, ref, name, now):
        self.problem('NACK %s (ref %d) received' % (name, ref))

    def on_dag(self, idx, root, nodes, now):
        self.problem('unexpected DAG_SYNC')

    def on_want(self, idx, cid, now):
        if cid in self.store.blocks:
            self.send_block(cid, self.served.get(cid, 0), self.store.blocks[cid])
        else:
            self.nack(idx, 'block_not_found')

    def on_block(self, idx, cid, index, raw, now):
        self.problem('unexpected BLOCK_PUT')


class Store:
    def __init__(self):
        self.blocks = {}
        self.objects = {EMPTY_ROOT: []}


class ClientOp(Sbi):
    """One put or get on one connection."""

    def __init__(self, conn, args, store, op, content):
        super().__init__(conn, args, store)
        self.op, self.content = op, content
        self.chunks = chunks_of(content, args.block_size)
        self.cids = [blake3(c) for c in self.chunks]
        self.root = blake3(b''.join(self.cids))
        self.result = dict(op=op, root=self.root.hex(), chunks=len(self.chunks))
        self.state = 'handshake'
        self.finished = False
        self.failed = None
        self.pending_wants = []
        self.wanted = {}  # out index -> cid
        self.got = {}

    def awaiting(self):
        return not self.finished

    def finish(self, failed=None):
        if self.finished:
            return
        self.finished = True
        self.failed = failed
        if failed:
            self.problem('%s: %s' % (self.op, failed))
        self.conn.close()

    def on_ready(self):
        if self.op == 'put':
            self.offer_at = self.send(dag_sync(self.root, self.cids))
            self.state = 'offered'
        else:
            self.send(dag_sync(self.root, []))
            self.state = 'queried'

    def on_dag(self, idx, root, nodes, now):
        if root != self.root or self.state not in ('offered', 'queried'):
            self.problem('DAG_SYNC for root %s in state %s' % (root.hex()[:16], self.state))
            return
        if self.state == 'offered':
            self.state = 'putting'
            pos = {}
            for i, c in enumerate(self.cids):
                pos.setdefault(c, i)
            last = -1
            for n in nodes:
                if n not in pos:
                    self.problem('the offer answer lists a node %s we did not offer' % n.hex()[:16])
                elif pos[n] <= last:
                    self.problem('the offer answer is not in chunk order or repeats a node')
                else:
                    last = pos[n]
            self.result['lacked'] = len(nodes)
            if self.args.expect_lacking:
                want = self.args.expect_lacking.pop(0)
                if len(nodes) != want:
                    self.problem('put: the answer lacks %d blocks, expected %d' % (len(nodes), want))
            for n in nodes:
                if n in pos:
                    self.send_block(n, pos[n], self.chunks[pos[n]])
            if not self.outstanding_puts:
                self.finish()
        else:
            if blake3(b''.join(nodes)) != root:
                self.problem('query answer: BLAKE3 of the %d nodes is not the root' % len(nodes))
            if nodes != self.cids:
                self.problem('query answer: the node list is not the object\'s chunk list')
            self.nodes = nodes
            self.state = 'getting'
            self.result['nodes'] = len(nodes)
            seen = set()
            for n in nodes:
                if n not in seen:
                    seen.add(n)
                    self.pending_wants.append(n)
            self.want_more()

    def want_more(self):
        while self.pending_wants and len(self.wanted) < 32:
            cid = self.pending_wants.pop(0)
            self.wanted[self.send(block_want(cid, self.ep.rng.randrange(3)))] = cid
        if not self.wanted and not self.pending_wants:
            out = b''.join(self.got[c] for c in self.nodes)
            self.result['got_bytes'] = len(out)
            if self.args.out:
                with open(self.args.out, 'wb') as f:
                    f.write(out)
            if out != self.content:
                self.finish('get: the object differs from the file (%d bytes got, %d expected)' % (len(out), len(self.content)))
            else:
                self.result['identical'] = True
                self.finish()

    def on_block(self, idx, cid, index, raw, now):
        if self.state != 'getting' or cid not in self.wanted.values():
            self.problem('BLOCK_PUT %s we did not want' % cid.hex()[:16])
            return
        first = self.nodes.index(cid)
        if index != first:
            self.problem('BLOCK_PUT chunk_index %d, the block is first at position %d of the object' % (index, first))
        self.send(sbi_ack(idx))
        self.got[cid] = raw
        for k, v in list(self.wanted.items()):
            if v == cid:
                del self.wanted[k]
        self.want_more()

    def on_put_acked(self, ref, cid, now):
        if not self.outstanding_puts and self.state == 'putting':
            self.result['blocks_sent'] = self.counts['blocks_sent']
            self.finish()

    def on_nack(self, ref, name, now):
        self.finish('NACK %s (ref %d) received' % (name, ref))


class ServerSession(Sbi):
    def __init__(self, conn, args, store, report):
        super().__init__(conn, args, store)
        self.offers = []  # [root, nodes, missing set]
        self.report = report
        self.counts = report.setdefault('sbi', self.counts)  # summed over connections

    def awaiting(self):
        return bool(self.outstanding_puts)

    def on_dag(self, idx, root, nodes, now):
        if not nodes:  # a query (or the empty object's offer)
            if root in self.store.objects:
                obj = self.store.objects[root]
                for i, c in enumerate(obj):
                    self.served.setdefault(c, i)
                self.send(dag_sync(root, obj))
                self.report['queries'] += 1
            else:
                self.nack(idx, 'block_not_found')
            return
        if blake3(b''.join(nodes)) != root:
            self.problem('offer: BLAKE3 of the nodes is not the root')
            self.nack(idx, 'hash_mismatch')
            return
        lack, seen = [], set()
        for n in nodes:
            if n not in self.store.blocks and n not in seen:
                lack.append(n)
                seen.add(n)
        self.send(dag_sync(root, lack))
        self.report['offers'] += 1
        self.offers.append([root, nodes, set(lack)])
        self.complete(now)

    def complete(self, now):
        for o in list(self.offers):
            if not o[2]:
                self.store.objects[o[0]] = o[1]
                self.report['objects'][o[0].hex()] = len(o[1])
                self.offers.remove(o)

    def on_block(self, idx, cid, index, raw, now):
        expected = None
        for root, nodes, missing in self.offers:
            if cid in nodes:
                expected = nodes.index(cid)
                missing.discard(cid)
        if expected is None:
            self.problem('BLOCK_PUT %s of no pending offer' % cid.hex()[:16])
        elif index != expected:
            self.problem('BLOCK_PUT chunk_index %d, the block is first at position %d of the offer' % (index, expected))
        self.store.blocks[cid] = raw
        self.counts['blocks_stored'] += 1
        self.send(sbi_ack(idx))
        self.complete(now)

    def on_peer_fin(self, now):
        self.conn.close()


# ---------------------------------------------------------------- roles
def parse_peer(s):
    cell, _, hp = s.partition('@')
    host, _, port = hp.rpartition(':')
    cell = bytes.fromhex(cell.replace(':', '').replace('-', ''))
    assert len(cell) == 16
    return cell, (host, int(port))


def open_socket(listen):
    host, _, port = listen.rpartition(':')
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    s.bind((host, int(port)))
    s.setblocking(False)
    return s


def pump(ep, conns, accept, deadline, stop):
    """Runs the wire until stop() or the deadline."""
    sock = ep.sock
    while time.monotonic() < deadline and not stop():
        try:
            import select
            select.select([sock], [], [], 0.002)
        except InterruptedError:
            pass
        now = time.monotonic()
        for _ in range(2000):
            try:
                pkt, addr = sock.recvfrom(70000)
            except BlockingIOError:
                break
            if len(pkt) < 40:
                ep.problem('datagram of %d bytes, shorter than a UTCP header' % len(pkt))
                continue
            src, dst, seq, flags, plen = HDR.unpack_from(pkt)
            if len(pkt) < 40 + plen:
                ep.problem('payload_len %d runs past the %d-byte datagram' % (plen, len(pkt)))
                continue
            if len(pkt) > 40 + plen:
                ep.problem('datagram carries %d bytes past payload_len' % (len(pkt) - 40 - plen))
            if dst != ep.my_id:
                ep.problem('datagram for CellID %s, not ours' % dst.hex())
                continue
            c = conns.get(src)
            if c is not None and c.closed and flags & 0x1F == SYN:
                c = None  # the same peer's next connection
            if c is None:
                if flags & 0x1F != SYN or accept is None:
                    if c is None and src not in conns:
                        ep.notes.append('%s for no connection' % flag_names(flags))
                    continue
                c = accept(src, addr)
                conns[src] = c
            if ep.args.verbose > 1:
                ep.log('recv %s seq %d len %d' % (flag_names(flags), seq, plen))
            c.on_packet(seq, flags, pkt[40:40 + plen], now)
        for c in list(conns.values()):
            c.tick(now)
            c.flush(now)


def run_client(args, ep):
    peer, addr = parse_peer(args.to)
    content = open(args.file, 'rb').read()
    store = Store()
    results = []
    ok = True
    for op in args.ops.split(','):
        conn = Conn(ep, peer, addr, initiator=True)
        sbi = ClientOp(conn, args, store, op, content)
        conn.sbi = sbi
        sbi.start()
        conns = {peer: conn}
        t0 = time.monotonic()
        conn.send_syn(t0)
        pump(ep, conns, None, t0 + args.timeout, lambda: conn.closed is not None)
        res = sbi.result
        res['seconds'] = round(time.monotonic() - t0, 3)
        res['close'] = conn.closed or 'timed out'
        res['utcp'] = conn.counters
        res['sbi'] = {k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()}) for k, v in sbi.counts.items()}
        if not sbi.finished or sbi.failed:
            ok = False
            res['failed'] = sbi.failed or 'did not finish: state %s' % sbi.state
            ep.problem('%s: %s' % (op, res['failed']))
        if conn.closed != 'closed':
            ok = False
            ep.problem('%s: connection did not close cleanly: %s' % (op, conn.closed or 'timed out'))
        results.append(res)
    return ok, dict(ops=results)


def run_serve(args, ep):
    store = Store()
    report = dict(offers=0, queries=0, objects={}, connections=0, closed=[])
    conns = {}

    def accept(src, addr):
        conn = Conn(ep, src, addr, initiator=False)
        conn.sbi = ServerSession(conn, args, store, report)
        conn.sbi.start()
        report['connections'] += 1
        ep.log('connection from %s at %s' % (src.hex(), addr))
        return conn

    def stop():
        done = [c for c in conns.values() if c.closed]
        for c in done:
            if id(c) not in report['closed']:
                report['closed'].append(id(c))
        return args.connections and len(report['closed']) >= args.connections and all(c.closed for c in conns.values())

    # a connection replaced by its peer's next SYN leaves conns, so count closes as they happen
    closed_reasons = []
    orig_tick = Conn.tick

    def tick(self, now):
        was = self.closed
        orig_tick(self, now)
        if not was and self.closed:
            closed_reasons.append(self.closed)
            if self.closed != 'closed':
                ep.problem('connection from %s: %s' % (self.peer.hex(), self.closed))

    Conn.tick = tick
    t0 = time.monotonic()
    pump(ep, conns, accept, t0 + args.timeout,
         lambda: args.connections and len(closed_reasons) >= args.connections)
    report['closed'] = closed_reasons
    report['blocks'] = len(store.blocks)
    ok = bool(args.connections) and len(closed_reasons) >= args.connections and all(r == 'closed' for r in closed_reasons)
    if not ok:
        ep.problem('serve: %d of %s connections closed cleanly before the timeout' % (closed_reasons.count('closed'), args.connections))
    return ok, report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('role', choices=['client', 'serve'])
    ap.add_argument('--to')
    ap.add_argument('--file')
    ap.add_argument('--ops', default='put,put,get')
    ap.add_argument('--expect-lacking', help='comma list: blocks each put\'s answer must lack, e.g. 3,0')
    ap.add_argument('-o', '--out')
    ap.add_argument('--listen', default='127.0.0.1:0')
    ap.add_argument('--connections', type=int, default=0)
    ap.add_argument('--caps', default='deflate,zstd')
    ap.add_argument('--require', default='')
    ap.add_argument('--prefer', choices=['zstd', 'deflate', 'none'], default='zstd')
    ap.add_argument('--block-size', type=int, default=65536)
    ap.add_argument('--loss', type=float, default=0.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--random-cuts', action='store_true')
    ap.add_argument('--isn-near-wrap', action='store_true')
    ap.add_argument('--ignore-first-syn-ack', action='store_true', help='take the first ACK of our SYN as lost')
    ap.add_argument('--timeout', type=float, default=60)
    ap.add_argument('--key-seed', type=int, help='seed of our 32-byte public key (default --seed)')
    ap.add_argument('-v', '--verbose', action='count', default=0)
    args = ap.parse_args()
    args.expect_lacking = [int(x) for x in args.expect_lacking.split(',')] if args.expect_lacking else None
    pub = random.Random('key-%d' % (args.key_seed if args.key_seed is not None else args.seed)).randbytes(32)
    my_id = cell_id_of(pub)
    sock = open_socket(args.listen)
    ep = Endpoint(args, sock, my_id)
    print('node %s on udp %s:%d' % (my_id.hex(), *sock.getsockname()), file=sys.stderr, flush=True)
    if args.role == 'client':
        ok, report = run_client(args, ep)
    else:
        ok, report = run_serve(args, ep)
    report.update(role=args.role, cell_id=my_id.hex(), status='OK' if ok and not ep.problems else 'FAILED',
                  n_problems=len(ep.problems), problems=ep.problems, notes=sorted(set(ep.notes))[:20],
                  dropped_on_send=ep.dropped, packets_sent=ep.sent_packets, seed=args.seed, loss=args.loss)
    print(json.dumps(report, indent=1, sort_keys=True))
    sys.exit(0 if ok and not ep.problems else 1)


if __name__ == '__main__':
    main()
