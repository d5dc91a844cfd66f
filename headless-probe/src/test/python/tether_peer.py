#!/usr/bin/env python3
"""Independent Tether peer over UDP, written from PROTOCOLS.md section 3 only (by a reviewer, session 35, without
reading cellscope's sources): the second implementation IndependentTetherPeerTest holds tether-send and tether-recv to.

Roles:
  send FILE --to ID@HOST:PORT [--flow F] [--slot-size N] [--invite-wait]   (acts as a sender against tether-recv)
  recv -o FILE [--listen HOST:PORT] [--drop-slots 0,5,7] [--window N]     (acts as a receiver against tether-send)

Checks it makes as an oracle: every received frame's CRC-64/GO-ISO, length multiple of 64, magic, target,
and that the peer never spends more credit than we granted it (per flow, per PROTOCOLS.md credit rules).
Exit 0 on success; prints one JSON summary line on stdout.
"""
import argparse, hashlib, json, os, random, socket, struct, sys, time

MAGIC = 0x4F424F4C
LAMP, SYNC = 0x01, 0x02
HDR = struct.Struct('<IHBBIHHIIQQQQQ')  # 64 bytes
assert HDR.size == 64
TAG_HAIL, TAG_DEFINE, TAG_MANIFEST, TAG_NACK, TAG_SIDEBAND = 1, 2, 3, 4, 5

# ---- CRC-64/GO-ISO: reflected poly 0xD800000000000000, init/xorout all ones
_T = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0xD800000000000000 if c & 1 else c >> 1
    _T.append(c)


def crc64(data, crc=0xFFFFFFFFFFFFFFFF, final=True):
    t = _T
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFFFFFFFFF if final else crc


assert crc64(b'123456789') == 0xB90956C775A41001


def tai64n_now():
    t = time.time_ns()
    sec = (1 << 62) + t // 1_000_000_000 + 37
    return sec, t % 1_000_000_000


def parse_id(s):
    b = bytes(int(x, 16) for x in s.replace('-', ':').split(':'))
    assert len(b) == 6, s
    return int.from_bytes(b, 'big')


def fmt_id(i):
    return ':'.join('%02x' % b for b in i.to_bytes(6, 'big'))


def pad64(b):
    r = (-len(b)) % 64
    return b + b'\0' * r


def build(flow, flags, sender, target, slot=0, grant=0, nack=0, payload=b'', crc=None, sec_nano=None, magic=MAGIC,
          reserved=0, padpayload=True):
    sec, nano = sec_nano or tai64n_now()
    if padpayload:
        payload = pad64(payload)
    h = HDR.pack(magic, flow, flags, reserved, sender >> 16, sender & 0xFFFF, target >> 32, target & 0xFFFFFFFF,
                 nano, slot, grant, nack, 0, sec)
    frame = h + payload
    c = crc64(frame) if crc is None else crc
    return frame[:48] + struct.pack('<Q', c) + frame[56:]


def ctrl(tag, body):
    return struct.pack('<II', tag, 0) + body


def hail(version=1, caps=0):
    return ctrl(TAG_HAIL, struct.pack('<II', version, caps))


def define(flow, slot_size, total):
    return ctrl(TAG_DEFINE, struct.pack('<HHIQ', flow, 0, slot_size, total))


def manifest(flow, checksum, total_slots, total_frames):
    return ctrl(TAG_MANIFEST, struct.pack('<HHIIIQQ', flow, 0, checksum & 0xFFFFFFFF, checksum >> 32, 0,
                                          total_slots, total_frames))


def bulk_nack(flow, slots):
    return ctrl(TAG_NACK, struct.pack('<HHI', flow, 0, len(slots)) + b''.join(struct.pack('<Q', s) for s in slots))


class Frame:
    pass


def parse(data):
    """Returns (Frame, None) or (None, reason)."""
    if len(data) < 64:
        return None, 'short %d' % len(data)
    if len(data) % 64:
        return None, 'len %d not whole blocks' % len(data)
    (magic, flow, flags, res, shi, slo, thi, tlo, nano, slot, grant, nack, ck, sec) = HDR.unpack_from(data)
    if magic != MAGIC:
        return None, 'magic %08x' % magic
    calc = crc64(data[:48] + b'\0' * 8 + data[56:])
    if calc != ck:
        return None, 'bad crc (got %016x want %016x)' % (ck, calc)
    f = Frame()
    f.flow, f.flags, f.res, f.slot, f.grant, f.nack, f.sec, f.nano = flow, flags, res, slot, grant, nack, sec, nano
    f.sender = (shi << 16) | slo
    f.target = (thi << 32) | tlo
    f.len = len(data)
    f.payload = data[64:]
    f.tag = None
    if flow == 0 and f.payload:
        f.tag = struct.unpack_from('<I', f.payload)[0]
        f.body = f.payload[8:]
    return f, None


def cost(f_flags, length):
    return 0 if f_flags & LAMP else length


class Peer:
    def __init__(self, my_id, listen, log):
        self.id = my_id
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(listen)
        self.log = log
        self.problems = []  # oracle findings about the other side
        self.rx_frames = 0
        self.rx_bad = {}

    def send(self, addr, frame):
        self.sock.sendto(frame, addr)

    def recv(self, timeout):
        self.sock.settimeout(max(timeout, 0.0001))
        try:
            data, addr = self.sock.recvfrom(70000)
        except socket.timeout:
            return None, None, None
        f, why = parse(data)
        self.rx_frames += 1
        if f is None:
            self.rx_bad[why.split(' ')[0]] = self.rx_bad.get(why.split(' ')[0], 0) + 1
            self.problem('received invalid frame from %s: %s' % (addr, why))
            return None, addr, why
        if f.target != self.id:
            self.problem('frame targeted %s, not us' % fmt_id(f.target))
        if f.res != 0:
            self.problem('reserved byte %d' % f.res)
        return f, addr, None

    def problem(self, s):
        self.problems.append(s)
        self.log('ORACLE: ' + s)


def run_send(a):
    log = (lambda s: print('%.3f send: %s' % (time.time(), s), file=sys.stderr)) if not a.quiet else (lambda s: None)
    content = open(a.file, 'rb').read()
    me = parse_id(a.id)
    tid, hp = a.to.split('@')
    host, port = hp.rsplit(':', 1)
    dst = (host, int(port))
    target = parse_id(tid)
    p = Peer(me, (a.listen.rsplit(':', 1)[0], int(a.listen.rsplit(':', 1)[1])), log)
    F, S = a.flow, a.slot_size
    nslots = (len(content) + S - 1) // S
    credit = {0: 0, F: 0}
    given0 = 0     # flow-0 credit we gave the receiver
    spent_by_peer0 = 0
    t0 = time.time()
    deadline = t0 + a.timeout
    stats = dict(lamps=0, data_frames=0, resends=0, singleton_nacks=0, bulk_nacks=0, grants_rx=0, grant_bytes_rx=0,
                 manifests=0, overrun_refused=0)

    def spend(flow, frame):
        c = cost(frame[6], len(frame))
        if credit.get(flow, 0) < c:
            return False
        credit[flow] -= c
        return True

    def on_frame(f, addr):
        nonlocal spent_by_peer0
        if f.grant:
            credit[f.flow] = credit.get(f.flow, 0) + f.grant
            if f.flow != 0:
                stats['max_credit'] = max(stats.get('max_credit', 0), credit[f.flow])
            stats['grants_rx'] += 1
            stats['grant_bytes_rx'] += f.grant
        if f.flow == 0 and not (f.flags & LAMP):
            spent_by_peer0 += f.len
            if spent_by_peer0 > given0 + (128 if a.lamp else 0):
                p.problem('receiver overran our flow-0 grant: spent %d of %d' % (spent_by_peer0, given0))

    # --- Lamp exchange
    hail_seen = False
    if a.lamp:
        last = 0
        while not hail_seen and time.time() < deadline:
            if time.time() - last > 0.1:
                p.send(dst, build(0, LAMP, me, target, grant=128, payload=hail()))
                stats['lamps'] += 1
                last = time.time()
            f, addr, _ = p.recv(0.05)
            if f and f.flow == 0 and f.tag == TAG_HAIL:
                hail_seen = True
                on_frame(f, addr)
                if f.flags & LAMP:
                    log('hail reply is LAMP flagged')
                log('hail from %s grant %d len %d flags %d' % (addr, f.grant, f.len, f.flags))
            elif f:
                on_frame(f, addr)
    else:
        # wait for the receiver's invitation (LAMP Hail), answer with a Hail paid from it
        while time.time() < deadline:
            f, addr, _ = p.recv(0.1)
            if f and f.flow == 0 and f.flags & LAMP and f.tag == TAG_HAIL:
                credit[0] += f.grant
                dst = addr
                h = build(0, 0, me, target, grant=0, payload=hail())
                spend(0, h)
                p.send(dst, h)
                hail_seen = True
                log('invited by %s with grant %d; answered' % (addr, f.grant))
                break
    if not hail_seen:
        print(json.dumps(dict(role='send', status='NO_HAIL')))
        return 1

    # --- Define
    given0 += a.control_grant
    d = build(0, 0, me, target, grant=a.control_grant, payload=define(F, S, a.announce or len(content)))
    if not spend(0, d):
        p.problem('no flow-0 credit for Define')
    p.send(dst, d)
    # --- data
    nxt = 0
    resend = []
    frames_sent = 0
    manifest_sent_at = 0
    confirmed = False
    crc = crc64(content)

    def slot_frame(k):
        return build(F, LAMP if a.lamp_data else 0, me, target, slot=k, payload=content[k * S:(k + 1) * S])

    last_define = time.time()
    while time.time() < deadline and not confirmed:
        progressed = False
        # send what credit allows
        while True:
            if resend:
                k = resend[0]
                fr = slot_frame(k)
                if spend(F, fr):
                    resend.pop(0)
                    p.send(dst, fr)
                    frames_sent += 1
                    stats['resends'] += 1
                    progressed = True
                    continue
                break
            if nxt < nslots:
                fr = slot_frame(nxt)
                if spend(F, fr):
                    p.send(dst, fr)
                    nxt += 1
                    frames_sent += 1
                    progressed = True
                    continue
                break
            break
        if nxt >= nslots and not resend and time.time() - manifest_sent_at > 0.1:
            m = build(0, 0, me, target, grant=max(0, spent_by_peer0 + a.control_grant - given0) if False else 0,
                      payload=manifest(F, crc, nslots, frames_sent + a.manifest_frames_delta))
            if spend(0, m):
                p.send(dst, m)
                manifest_sent_at = time.time()
                stats['manifests'] += 1
            else:
                # out of flow-0 credit: relight
                p.send(dst, build(0, LAMP, me, target, grant=128, payload=hail()))
                manifest_sent_at = time.time()
        f, addr, _ = p.recv(0.0 if progressed else 0.02)
        if f is None:
            continue
        on_frame(f, addr)
        if f.flow == F and f.flags & LAMP and f.flags & SYNC:
            if f.slot == nslots:
                confirmed = True
                log('confirmed')
            else:
                p.problem('confirmation with slot %d != total_slots %d' % (f.slot, nslots))
        if f.flow == F and f.nack:
            stats['singleton_nacks'] += 1
            if f.nack < nxt and f.nack not in resend:
                resend.append(f.nack)
        if f.flow == 0 and f.tag == TAG_NACK:
            stats['bulk_nacks'] += 1
            fl, _, cnt = struct.unpack_from('<HHI', f.body)
            if 8 + 8 * cnt > len(f.body):
                p.problem('bulk nack count %d overflows payload' % cnt)
                cnt = (len(f.body) - 8) // 8
            slots = [struct.unpack_from('<Q', f.body, 8 + 8 * i)[0] for i in range(cnt)]
            for s in slots:
                if s < nxt and s not in resend:
                    resend.append(s)
            resend.sort()
            # re-grant the receiver's flow-0 bytes
            g = build(0, LAMP, me, target, grant=f.len)
            given0 += f.len
            p.send(dst, g)
        if f.flow == 0 and f.tag == TAG_HAIL and f.grant:
            pass
    res = dict(role='send', status='CONFIRMED' if confirmed else 'UNCONFIRMED', bytes=len(content), slots=nslots,
               frames=frames_sent, seconds=round(time.time() - t0, 3), sha256=hashlib.sha256(content).hexdigest(),
               problems=p.problems[:20], n_problems=len(p.problems), rx_bad=p.rx_bad, **stats)
    print(json.dumps(res))
    return 0 if confirmed and not p.problems else 1


def run_recv(a):
    log = (lambda s: print('%.3f recv: %s' % (time.time(), s), file=sys.stderr)) if not a.quiet else (lambda s: None)
    me = parse_id(a.id)
    host, port = a.listen.rsplit(':', 1)
    p = Peer(me, (host, int(port)), log)
    drop = set(int(x) for x in a.drop_slots.split(',')) if a.drop_slots else set()
    dropped_once = set()
    t0 = time.time()
    deadline = t0 + a.timeout
    lamp_answered = {}     # addr -> sender id
    granted = {}           # (sender, flow) -> bytes granted to it
    spent = {}             # (sender, flow) -> bytes it spent
    flows = {}
    stats = dict(lamps_answered=0, data_frames=0, nacks_sent=0, bulk_nacks_sent=0, manifests=0, confirms=0,
                 dup_slots=0, lamp_data=0)
    done = None
    done_at = None

    def account(f, addr):
        if f.grant:
            granted[(f.sender, f.flow)] = granted.get((f.sender, f.flow), 0)  # grants from sender to us: our credit
            mycredit[(f.sender, f.flow)] = mycredit.get((f.sender, f.flow), 0) + f.grant
        c = cost(f.flags, f.len)
        if c:
            k = (f.sender, f.flow)
            spent[k] = spent.get(k, 0) + c
            if spent[k] > given.get(k, 0):
                p.problem('GRANT OVERRUN by %s on flow %d: spent %d > granted %d' % (fmt_id(f.sender), f.flow,
                                                                                   spent[k], given.get(k, 0)))

    given = {}     # (peer, flow) -> bytes we granted that peer
    mycredit = {}  # (peer, flow) -> credit we hold towards peer

    def grant(addr, peer, flow, amount, slot=0, nack=0):
        given[(peer, flow)] = given.get((peer, flow), 0) + amount
        p.send(addr, build(flow, LAMP, me, peer, slot=slot, grant=amount, nack=nack))

    def my_spend(peer, flow, frame):
        c = cost(frame[6], len(frame))
        k = (peer, flow)
        if mycredit.get(k, 0) < c:
            return False
        mycredit[k] -= c
        return True

    if a.invite:
        tid, hp = a.invite.split('@')
        h, pt = hp.rsplit(':', 1)
        inv_addr, inv_id = (h, int(pt)), parse_id(tid)
        last_inv = 0
    while time.time() < deadline:
        if a.invite and not lamp_answered and time.time() - last_inv > 0.25:
            given[(inv_id, 0)] = given.get((inv_id, 0), 0) + 128 + 4096
            p.send(inv_addr, build(0, LAMP, me, inv_id, grant=128 + 4096, payload=hail()))
            last_inv = time.time()
        if done_at and time.time() - done_at > a.linger:
            break
        f, addr, _ = p.recv(0.05)
        # NACK timers
        for key, fl in flows.items():
            if fl['done']:
                continue
            now = time.time()
            missing = [s for s in range(fl['high']) if s not in fl['have']]
            if fl['manifest'] is not None:
                missing = [s for s in range(fl['nslots']) if s not in fl['have']]
            due = [s for s in missing if now - fl['nacked'].get(s, 0) > 0.05]
            if due:
                peer, faddr = fl['peer'], fl['addr']
                if len(due) == 1 and due[0] != 0:
                    grant(faddr, peer, fl['flow'], fl['frame_len'], nack=due[0])
                    stats['nacks_sent'] += 1
                else:
                    nk = build(0, 0, me, peer, payload=bulk_nack(fl['flow'], due[:256]))
                    if my_spend(peer, 0, nk):
                        p.send(faddr, nk)
                        stats['bulk_nacks_sent'] += 1
                        grant(faddr, peer, fl['flow'], fl['frame_len'] * len(due[:256]))
                    else:
                        log('no flow-0 credit for bulk nack')
                for s in due:
                    fl['nacked'][s] = now
        if f is None:
            continue
        account(f, addr)
        if f.flow == 0 and f.tag == TAG_HAIL and f.flags & LAMP:
            stats['lamps_answered'] += 1
            lamp_answered[addr] = f.sender
            mycredit[(f.sender, 0)] = mycredit.get((f.sender, 0), 0)
            given[(f.sender, 0)] = given.get((f.sender, 0), 0) + 4096
            h = build(0, 0, me, f.sender, grant=4096, payload=hail())
            if not my_spend(f.sender, 0, h):
                p.problem('Lamp did not give 128 of credit for the reply')
            p.send(addr, h)
            continue
        if f.flow == 0 and f.tag == TAG_HAIL and a.invite:
            lamp_answered[addr] = f.sender
            log('invitation answered by %s' % fmt_id(f.sender))
            continue
        if f.flow == 0 and f.tag == TAG_DEFINE:
            fl_, _, ss, tot = struct.unpack_from('<HHIQ', f.body)
            if lamp_answered.get(addr) != f.sender:
                p.problem('Define without Lamp exchange')
            key = (f.sender, fl_)
            if key not in flows:
                nslots = (tot + ss - 1) // ss if ss else 0
                flows[key] = dict(flow=fl_, peer=f.sender, addr=addr, slot_size=ss, total=tot, nslots=nslots,
                                  have={}, high=0, nacked={}, manifest=None, done=False, frames=0,
                                  frame_len=64 + ((ss + 63) // 64) * 64)
                log('define flow %d slot_size %d total %d' % (fl_, ss, tot))
                grant(addr, f.sender, fl_, a.window)
            continue
        if f.flow == 0 and f.tag == TAG_MANIFEST:
            fl_, _, lo, hi, _, ts, tf = struct.unpack_from('<HHIIIQQ', f.body)
            stats['manifests'] += 1
            fl = flows.get((f.sender, fl_))
            if not fl:
                p.problem('Manifest for unknown flow %d' % fl_)
                continue
            fl['manifest'] = ((hi << 32) | lo, ts, tf)
            # re-grant flow-0 bytes (Manifest spends 128)
        if f.flow != 0:
            fl = flows.get((f.sender, f.flow))
            if fl is None:
                p.problem('data on undefined flow %d' % f.flow)
                continue
            if f.len == 64 and f.flags & LAMP:
                # a probe: re-grant a window
                grant(fl['addr'], fl['peer'], fl['flow'], a.window // 4)
                continue
            s = f.slot
            if f.flags & LAMP:
                stats['lamp_data'] += 1
            if s in drop and s not in dropped_once:
                dropped_once.add(s)
                log('dropping slot %d once (simulated loss)' % s)
                fl['high'] = max(fl['high'], s + 1)
                continue
            stats['data_frames'] += 1
            fl['frames'] += 1
            if s >= fl['nslots']:
                p.problem('slot %d beyond nslots %d' % (s, fl['nslots']))
                continue
            if s in fl['have']:
                stats['dup_slots'] += 1
            fl['have'][s] = f.payload
            fl['high'] = max(fl['high'], s + 1)
            # keep the window open: grant back what was spent (only non-LAMP)
            if not f.flags & LAMP:
                fl.setdefault('owe', 0)
                fl['owe'] += f.len
                if fl['owe'] >= a.window // 4:
                    grant(fl['addr'], fl['peer'], fl['flow'], fl['owe'])
                    fl['owe'] = 0
        # completion
        for key, fl in flows.items():
            if fl['done'] and fl.get('ok') and f.flow == 0 and f.tag == TAG_MANIFEST and f.sender == fl['peer']:
                p.send(fl['addr'], build(fl['flow'], LAMP | SYNC, me, fl['peer'], slot=fl['nslots']))
                stats['confirms'] += 1
                continue
            if fl['manifest'] and len(fl['have']) == fl['nslots'] and not fl['done']:
                ck, ts, tf = fl['manifest']
                content = b''.join(fl['have'][i][:fl['slot_size']] for i in range(fl['nslots']))[:fl['total']]
                ok = crc64(content) == ck and ts == fl['nslots'] and tf >= ts
                if True:
                    fl['done'] = True
                    fl['ok'] = ok
                    if ok:
                        with open(a.o, 'wb') as out:
                            out.write(content)
                    done = dict(ok=ok, crc_ok=crc64(content) == ck, total_slots=ts, total_frames=tf,
                                frames_received=fl['frames'], sha256=hashlib.sha256(content).hexdigest())
                    done_at = time.time()
                if ok:
                    p.send(fl['addr'], build(fl['flow'], LAMP | SYNC, me, fl['peer'], slot=fl['nslots']))
                    stats['confirms'] += 1
                else:
                    fl['done'] = False
                    fl['manifest'] = None
    res = dict(role='recv', status=('OK' if done and done['ok'] else 'FAILED'), result=done,
               seconds=round(time.time() - t0, 3), problems=p.problems[:20], n_problems=len(p.problems),
               rx_bad=p.rx_bad, **stats)
    print(json.dumps(res))
    return 0 if done and done['ok'] and not p.problems else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='role', required=True)
    s = sub.add_parser('send')
    s.add_argument('file')
    s.add_argument('--to', required=True, help='TETHERID@HOST:PORT')
    s.add_argument('--id', default='ac:1d:00:00:be:ef')
    s.add_argument('--listen', default='127.0.0.1:0')
    s.add_argument('--flow', type=int, default=1)
    s.add_argument('--slot-size', type=int, default=1024)
    s.add_argument('--timeout', type=float, default=30)
    s.add_argument('--control-grant', type=int, default=16384)
    s.add_argument('--no-lamp', dest='lamp', action='store_false', help='wait for an invitation')
    s.add_argument('--lamp-data', action='store_true')
    s.add_argument('--announce', type=int, default=0, help='lie: total_bytes in Define')
    s.add_argument('--manifest-frames-delta', type=int, default=0)
    s.add_argument('-q', '--quiet', action='store_true')
    r = sub.add_parser('recv')
    r.add_argument('-o', required=True)
    r.add_argument('--id', default='ac:1d:00:00:ca:fe')
    r.add_argument('--listen', default='127.0.0.1:34997')
    r.add_argument('--window', type=int, default=262144)
    r.add_argument('--drop-slots', default='')
    r.add_argument('--invite', default='', help='TETHERID@HOST:PORT to invite')
    r.add_argument('--timeout', type=float, default=60)
    r.add_argument('--linger', type=float, default=1.0)
    r.add_argument('-q', '--quiet', action='store_true')
    a = ap.parse_args()
    sys.exit(run_send(a) if a.role == 'send' else run_recv(a))


if __name__ == '__main__':
    main()
