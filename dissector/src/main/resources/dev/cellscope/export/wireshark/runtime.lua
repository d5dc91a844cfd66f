-- ---------------------------------------------------------------------------------------------
-- The logic: a per-packet decode that follows cellscope's dissectors (dev.cellscope.dissect.*,
-- the stateless path: no conversation analysis, SBI messages only where one packet holds them).
-- Every field, layout and expert this file names (by F, FD, P, L and X) is checked
-- against the generated tables when the file is generated.
-- ---------------------------------------------------------------------------------------------
local C = GEN.const
local band, bor, bxor, rshift, lshift, bnot = bit32.band, bit32.bor, bit32.bxor, bit32.rshift, bit32.lshift, bit32.bnot

-- Field definitions by name, protocols, ProtoFields.
local FD = {}
for _, f in ipairs(GEN.fields) do FD[f.name] = f end
local P = {}
for _, f in ipairs(GEN.fields) do
  if f.type == "PROTOCOL" and not string.find(f.name, ".", 1, true) then
    -- Wireshark's own "Expert Info" protocol holds that description: ours says whose it is.
    P[f.name] = Proto(f.name, f.name == "expert" and (f.title .. " (cellscope)") or f.title)
  end
end

local function make_field(f)
  local t = f.type
  if t == "PROTOCOL" then return ProtoField.none(f.name, f.title, base.NONE, f.desc) end
  if t == "UINT" or t == "ENUM" or t == "UINT_HEX" then
    local b = t == "UINT_HEX" and base.HEX or base.DEC
    local ctor = f.bits <= 8 and ProtoField.uint8 or f.bits <= 16 and ProtoField.uint16
      or f.bits <= 32 and ProtoField.uint32 or ProtoField.uint64
    return ctor(f.name, f.title, b, f.names, nil, f.desc)
  end
  if t == "BOOLEAN" then
    if f.mask ~= 0 then return ProtoField.bool(f.name, f.title, f.parent_bits, nil, f.mask, f.desc) end
    return ProtoField.bool(f.name, f.title, base.NONE, nil, nil, f.desc)
  end
  if t == "SYMBOL" or t == "STRING" then return ProtoField.string(f.name, f.title, base.UNICODE, f.desc) end
  if t == "BYTES" or t == "CELLID" then return ProtoField.bytes(f.name, f.title, base.NONE, f.desc) end
  if t == "ETHER" or t == "TETHER_ID" then return ProtoField.ether(f.name, f.title, f.desc) end
  if t == "ABSTIME" then return ProtoField.absolute_time(f.name, f.title, base.UTC, f.desc) end
  error("cellscope.lua: no Wireshark type for " .. f.name .. " (" .. t .. ")")
end

local F = {}
local proto_fields = {}
for _, f in ipairs(GEN.fields) do
  if P[f.name] then
    F[f.name] = P[f.name]
  else
    local pf = make_field(f)
    F[f.name] = pf
    local proto = string.match(f.name, "^[^.]+")
    proto_fields[proto] = proto_fields[proto] or {}
    table.insert(proto_fields[proto], pf)
  end
end
for name, list in pairs(proto_fields) do P[name].fields = list end

-- Flag bits of an integer field: the declared fields with a mask named below it, in registry order.
local FLAGS = {}
for _, f in ipairs(GEN.fields) do
  if f.mask ~= 0 then
    local parent = string.match(f.name, "^(.*)%.[^.]+$")
    FLAGS[parent] = FLAGS[parent] or {}
    table.insert(FLAGS[parent], F[f.name])
  end
end

-- Expert kinds. Wireshark has no "credit" group: it is shown as a protocol finding.
local WS_GROUP = { checksum = expert.group.CHECKSUM, sequence = expert.group.SEQUENCE, protocol = expert.group.PROTOCOL,
  malformed = expert.group.MALFORMED, security = expert.group.SECURITY, credit = expert.group.PROTOCOL }
local WS_SEVERITY = { chat = expert.severity.CHAT, note = expert.severity.NOTE, warn = expert.severity.WARN,
  error = expert.severity.ERROR }
local E = {}
local proto_experts = {}
for _, e in ipairs(GEN.experts) do
  local pe = ProtoExpert.new(e.id, e.summary, WS_GROUP[e.group], WS_SEVERITY[e.severity])
  E[e.id] = { pe = pe, severity = e.severity, group = e.group }
  local proto = string.match(e.id, "^[^.]+")
  proto_experts[proto] = proto_experts[proto] or {}
  table.insert(proto_experts[proto], pe)
end
for name, list in pairs(proto_experts) do P[name].experts = list end

-- Layouts, and each one with the other byte order (big-endian Tether headers).
local L = GEN.layouts
local function swapped(l)
  return { name = l.name, le = not l.le, size = l.size, slots = l.slots }
end

-- ---- helpers ----
local function hex(v, bits)
  local digits = math.max(1, math.floor((bits + 3) / 4))
  return string.format("0x%0" .. digits .. "x", v)
end

local function hex64(u)
  return string.format("0x%08x%08x", u:higher(), u:lower())
end

local function mac(bytes)
  local parts = {}
  for i = 1, #bytes do parts[i] = string.format("%02x", bytes[i]) end
  return table.concat(parts, ":")
end

local function opname(op)
  return FD["sbi.op"].names[op] or ("op " .. hex(op, 8))
end

local function R(ctx, off, len)
  if off < 0 or len < 0 or off + len > ctx.tvb:len() then return ctx.tvb(0, 0) end
  return ctx.tvb(off, len)
end

local function push(ctx, item)
  table.insert(ctx.stack, ctx.t)
  ctx.t = item
end

local function pop(ctx)
  ctx.t = table.remove(ctx.stack)
end

local function begin_layer(ctx, proto, off, len)
  push(ctx, ctx.t:add(P[proto], R(ctx, off, len)))
end

local end_layer = pop

-- One finding: Wireshark's expert info, and cellscope's expert.* fields beside it.
local function X(ctx, id, message)
  local e = E[id]
  ctx.t:add_proto_expert_info(e.pe, message)
  local z = ctx.tvb(0, 0)
  local item = ctx.t:add(P["expert"], z)
  item:add(F["expert.severity"], z, e.severity)
  item:add(F["expert.group"], z, e.group)
  item:add(F["expert.message"], z, message)
  item:add(F["expert.id"], z, id)
end

-- Emits one slot of the structure at base; returns its value (a number, or UInt64 for u64 slots).
local function emit_slot(ctx, layout, s, base)
  local r = R(ctx, base + s.offset, s.size)
  local v
  if s.kind == "U8" or s.kind == "U16" or s.kind == "U32" then
    v = layout.le and r:le_uint() or r:uint()
  elseif s.kind == "U64" then
    v = layout.le and r:le_uint64() or r:uint64()
  end
  if s.field == nil or F[s.field] == nil then return v end
  local item
  if s.kind == "BYTES" then
    item = ctx.t:add(F[s.field], r) -- byte arrays, and numbers read big-endian from bytes (the preamble magic)
  elseif layout.le then
    item = ctx.t:add_le(F[s.field], r)
  else
    item = ctx.t:add(F[s.field], r)
  end
  local bits = FLAGS[s.field]
  if bits then
    for _, b in ipairs(bits) do
      if layout.le then item:add_le(b, r) else item:add(b, r) end
    end
  end
  return v
end

local function emit(ctx, layout, base)
  for _, s in ipairs(layout.slots) do emit_slot(ctx, layout, s, base) end
end

local function slot_of(layout, name)
  for _, s in ipairs(layout.slots) do if s.name == name then return s end end
  error("cellscope.lua: layout " .. layout.name .. " has no slot " .. name)
end

local function truncated(ctx, proto, off, avail, need, id)
  begin_layer(ctx, proto, off, avail)
  X(ctx, id, FD[proto].title .. " header truncated: " .. avail .. " of " .. need .. " bytes")
  end_layer(ctx)
end

-- A length field reaching past the captured bytes: snaplen cut the frame, or the field lies.
local function beyond(ctx, what, claimed, present, cut_id, bad_id)
  if ctx.cut then
    X(ctx, cut_id, what .. " " .. claimed .. " reaches past the captured bytes (frame cut by snaplen)")
  else
    X(ctx, bad_id, what .. " " .. claimed .. " exceeds the " .. present .. " bytes present")
  end
end

-- ---- CRC-64/GO-ISO (reflected), on 32-bit halves: Lua 5.2 has no 64-bit integers ----
local CRC_HI, CRC_LO = {}, {}
for i = 0, 255 do
  local hi, lo = 0, i
  for _ = 1, 8 do
    local low_bit = band(lo, 1)
    lo = bor(rshift(lo, 1), lshift(band(hi, 1), 31))
    hi = rshift(hi, 1)
    if low_bit == 1 then
      hi = bxor(hi, C.crc_poly_hi)
      lo = bxor(lo, C.crc_poly_lo)
    end
  end
  CRC_HI[i], CRC_LO[i] = hi, lo
end

-- CRC of n bytes given by byte(i), i from 0; bytes in [zero_at, zero_at + zero_len) count as 0.
local function crc64(byte, n, zero_at, zero_len)
  local hi, lo = 0xFFFFFFFF, 0xFFFFFFFF
  for i = 0, n - 1 do
    local b = (i >= zero_at and i < zero_at + zero_len) and 0 or byte(i)
    local idx = band(bxor(lo, b), 0xFF)
    lo = bor(rshift(lo, 8), lshift(band(hi, 0xFF), 24))
    hi = rshift(hi, 8)
    hi = bxor(hi, CRC_HI[idx])
    lo = bxor(lo, CRC_LO[idx])
  end
  return bxor(hi, 0xFFFFFFFF), bxor(lo, 0xFFFFFFFF)
end

do -- the check value of CRC-64/GO-ISO, so a wrong table never ships
  local s = "123456789"
  local hi, lo = crc64(function(i) return string.byte(s, i + 1) end, #s, -1, 0)
  assert(hi == C.crc_check_hi and lo == C.crc_check_lo, "cellscope.lua: CRC-64/GO-ISO self-check failed")
end

-- ---- UTCP-SBI ----
local function preamble(ctx, p, frame_len, op)
  local tvb = ctx.tvb
  push(ctx, ctx.t:add(F["sbi.preamble"], R(ctx, p, C.sbi_preamble)))
  emit(ctx, L["SbiPreamble"], p)
  local magic = tvb(p, 2):uint()
  if magic ~= C.sbi_magic then X(ctx, "sbi.preamble_magic", "Bad preamble magic " .. hex(magic, 16) .. " (expected \"SB\")") end
  local version = tvb(p + 2, 1):uint()
  if version ~= C.sbi_version then
    X(ctx, "sbi.preamble_version", "malformed_container: preamble version " .. version .. ", expected " .. C.sbi_version
      .. "; a receiver NACKs and closes")
  end
  local flags = tvb(p + 3, 1):uint()
  if flags ~= 0 then X(ctx, "sbi.preamble_flags", "Preamble flags " .. hex(flags, 8) .. ", expected 0") end
  local clen = slot_of(L["SbiPreamble"], "container_len")
  local container_len = tvb(p + clen.offset, clen.size):le_uint()
  if container_len ~= frame_len - C.sbi_preamble then
    X(ctx, "sbi.container_len", "container_len " .. container_len .. " != frame_len - 24 = " .. (frame_len - C.sbi_preamble))
  end
  local schema = slot_of(L["SbiPreamble"], "schema")
  local print = string.lower(tvb(p + schema.offset, schema.size):bytes():tohex())
  local schema_op = GEN.schemas[print]
  ctx.t:add(F["sbi.schema.known"], R(ctx, p + schema.offset, schema.size), schema_op == op)
  if FD["sbi.op"].names[op] == nil then
    -- no schema of its own to compare with: a receiver NACKs unknown_op before reading the fingerprint
  elseif schema_op == nil then
    X(ctx, "sbi.unknown_schema", "unknown_schema: fingerprint " .. print .. " is not a known container schema")
  elseif schema_op ~= op then
    X(ctx, "sbi.schema_other_op", "unknown_schema: fingerprint belongs to " .. opname(schema_op) .. ", not " .. opname(op))
  end
  pop(ctx)
end

-- True when the bytes are well-formed UTF-8 (what Java's decoder accepts: no surrogates, no overlongs).
local function utf8_valid(s)
  local i, n = 1, #s
  while i <= n do
    local c = string.byte(s, i)
    local need, min
    if c < 0x80 then need, min = 0, 0
    elseif c >= 0xC2 and c <= 0xDF then need, min = 1, 0x80
    elseif c >= 0xE0 and c <= 0xEF then need, min = 2, 0x800
    elseif c >= 0xF0 and c <= 0xF4 then need, min = 3, 0x10000
    else return false end
    if i + need > n then return false end
    local cp = need == 0 and c or band(c, rshift(0x7F, need + 1))
    for k = 1, need do
      local cc = string.byte(s, i + k)
      if band(cc, 0xC0) ~= 0x80 then return false end
      cp = cp * 64 + band(cc, 0x3F)
    end
    if cp < min or cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then return false end
    i = i + need + 1
  end
  return true
end

local function container(ctx, c, len, op)
  local tvb = ctx.tvb
  local info = GEN.op_layout[op]
  if info == nil then
    if len > 0 then ctx.t:add(F["sbi.container"], R(ctx, c, len)) end
    return
  end
  local l = L[info.layout]
  local bad = (info.variable and len < l.size) or (not info.variable and len ~= l.size)
  if bad then
    X(ctx, "sbi.container_short", "malformed_container: " .. opname(op) .. " container is " .. len .. " bytes, needs "
      .. (info.variable and "at least " or "") .. l.size)
    if len > 0 then ctx.t:add(F["sbi.container"], R(ctx, c, len)) end
    return
  end
  if l == L["SbiHandshake"] then
    emit(ctx, l, c)
    local caps_slot = slot_of(l, "capabilities")
    local caps = tvb(c + caps_slot.offset, caps_slot.size):le_uint()
    if band(caps, C.sbi_caps_reserved) ~= 0 then
      X(ctx, "sbi.caps_reserved", "Reserved capability bits set: " .. hex(band(caps, C.sbi_caps_reserved), 32))
    end
  elseif l == L["SbiBlockWant"] then
    emit(ctx, l, c)
    local prio = tvb(c + slot_of(l, "priority").offset, 1):uint()
    if FD["sbi.want.priority"].names[prio] == nil then X(ctx, "sbi.want_priority", "Unknown BLOCK_WANT priority " .. prio) end
  elseif l == L["SbiBlockPut"] then
    emit(ctx, l, c)
    local algo = tvb(c + slot_of(l, "comp_algo").offset, 1):uint()
    local data_len = len - l.size
    ctx.t:add(F["sbi.put.data_len"], R(ctx, c + l.size, data_len), data_len)
    if data_len > 0 then ctx.t:add(F["sbi.put.data"], R(ctx, c + l.size, data_len)) end
    if not GEN.comp_supported[algo] then
      X(ctx, "sbi.comp_unsupported", "unsupported_compression: comp_algo " .. algo
        .. (algo == C.sbi_comp_experimental and " (experimental)" or " (reserved)") .. "; a receiver rejects it")
    end
  elseif l == L["SbiDagSync"] then
    emit(ctx, l, c)
    local ds = slot_of(l, "depth")
    local depth = tvb(c + ds.offset, ds.size):le_uint()
    if depth ~= 1 then
      X(ctx, "sbi.dag_depth", "malformed_container: DAG_SYNC depth " .. depth .. ", only depth 1 is defined; a receiver NACKs and closes")
    end
    local nc = slot_of(l, "node_count")
    local count = tvb(c + nc.offset, nc.size):le_uint()
    local rest = len - l.size
    local room = math.floor(rest / C.sbi_hash)
    if count * C.sbi_hash ~= rest then
      X(ctx, "sbi.dag_node_count", "malformed_container: node_count " .. count .. " needs " .. count * C.sbi_hash
        .. " bytes of hashes, container has " .. rest)
    end
    for i = 0, math.min(count, room) - 1 do
      ctx.t:add(F["sbi.dag.node"], R(ctx, c + l.size + i * C.sbi_hash, C.sbi_hash))
    end
  elseif l == L["SbiAck"] then
    emit(ctx, l, c)
  elseif l == L["SbiNack"] then
    emit(ctx, l, c)
    local code = tvb(c + slot_of(l, "error_code").offset, 2):le_uint()
    local err_len = tvb(c + slot_of(l, "error_len").offset, 2):le_uint()
    local room = len - l.size
    if err_len ~= room then
      X(ctx, "sbi.nack_error_len", "malformed_container: error_len " .. err_len .. " but " .. room .. " bytes follow the spine")
    end
    local shown = math.min(err_len, room)
    local raw = shown > 0 and tvb(c + l.size, shown):raw() or ""
    local text = shown > 0 and tvb(c + l.size, shown):string(ENC_UTF_8) or ""
    if shown > 0 then ctx.t:add(F["sbi.nack.error"], R(ctx, c + l.size, shown), text) end
    if err_len == room and not utf8_valid(raw) then
      X(ctx, "sbi.nack_error_utf8", "malformed_container: NACK error string is not valid UTF-8")
    end
    local name = FD["sbi.nack.error_code"].names[code]
    if name == nil then
      X(ctx, "sbi.nack_code_unknown", "Unknown NACK error code " .. code)
    elseif shown > 0 and name ~= text then
      X(ctx, "sbi.nack_string_differs", "NACK error string \"" .. text .. "\" differs from the code's name " .. name)
    end
  end
end

local function message(ctx, pos, frame_len, op)
  begin_layer(ctx, "sbi", pos, C.sbi_envelope + frame_len)
  emit(ctx, L["SbiEnvelope"], pos)
  if FD["sbi.op"].names[op] == nil then
    X(ctx, "sbi.unknown_op", "unknown_op: op " .. hex(op, 8) .. " is not assigned (" .. GEN.op_range[op] .. ")")
  end
  local p = pos + C.sbi_envelope
  preamble(ctx, p, frame_len, op)
  container(ctx, p + C.sbi_preamble, frame_len - C.sbi_preamble, op)
  end_layer(ctx)
  return opname(op)
end

-- The messages of one UTCP DATA payload, decoded where the packet holds them whole (no reassembly).
local function sbi_packet(ctx, off, len)
  local tvb = ctx.tvb
  local pos, stop = off, off + len
  local words = {}
  while stop - pos >= C.sbi_envelope do
    local frame_len = tvb(pos, 4):uint()
    local op = tvb(pos + 4, 1):uint()
    if frame_len < C.sbi_min_frame or frame_len > C.sbi_max_frame then
      local json = math.floor(frame_len / 16777216) == C.sbi_json_brace
      begin_layer(ctx, "sbi", pos, stop - pos)
      emit(ctx, L["SbiEnvelope"], pos)
      X(ctx, "sbi.frame_len_range", "invalid_frame_size: frame_len " .. frame_len .. " out of range [" .. C.sbi_min_frame
        .. ", " .. C.sbi_max_frame .. "]" .. (json and "; stream starts with '{': legacy JSON peer" or "")
        .. "; a receiver NACKs and closes")
      end_layer(ctx)
      table.insert(words, json and "legacy JSON peer" or ("invalid frame_len " .. frame_len))
      pos = stop
      break
    end
    if stop - pos < C.sbi_envelope + frame_len then
      begin_layer(ctx, "sbi", pos, stop - pos)
      emit(ctx, L["SbiEnvelope"], pos)
      X(ctx, "sbi.continues", "SBI message continues past this packet: " .. (stop - pos) .. " of "
        .. (C.sbi_envelope + frame_len) .. " bytes here")
      end_layer(ctx)
      table.insert(words, opname(op) .. " [segment]")
      pos = stop
      break
    end
    table.insert(words, message(ctx, pos, frame_len, op))
    pos = pos + C.sbi_envelope + frame_len
  end
  if pos < stop then
    X(ctx, "sbi.envelope_split", "SBI envelope split across packets: " .. (stop - pos) .. " bytes here")
  end
  if #words > 0 then
    ctx.pinfo.cols.protocol:set("UTCP-SBI")
    ctx.pinfo.cols.info:append(" " .. table.concat(words, ", "))
  end
end

-- ---- UTCP ----
local function utcp(ctx, off, avail)
  local H = L["UtcpHeader"]
  local tvb = ctx.tvb
  ctx.pinfo.cols.protocol:set("UTCP")
  if avail < H.size then
    truncated(ctx, "utcp", off, avail, H.size, "utcp.truncated")
    return avail
  end
  local seq = tvb(off + slot_of(H, "seq").offset, 4):uint()
  local flags = tvb(off + slot_of(H, "flags").offset, 2):uint()
  local len_slot = slot_of(H, "payload_len")
  local payload_len = tvb(off + len_slot.offset, 2):uint()
  local present = math.min(payload_len, avail - H.size)
  begin_layer(ctx, "utcp", off, H.size + present)
  emit(ctx, H, off)
  if band(flags, C.utcp_reserved_mask) ~= 0 then
    X(ctx, "utcp.reserved_flags", "Reserved UTCP flag bits set: " .. hex(band(flags, C.utcp_reserved_mask), 16))
  end
  if payload_len > present then
    beyond(ctx, "UTCP payload_len", payload_len, avail - H.size, "utcp.len_past_capture", "utcp.len_exceeds")
  end
  local poff = off + H.size
  if band(flags, C.utcp_nack) ~= 0 then
    local NR = L["UtcpNackRange"]
    if payload_len % NR.size ~= 0 then
      X(ctx, "utcp.nack_len_bad", "NACK payload_len " .. payload_len .. " is not a multiple of " .. NR.size)
    end
    for i = 0, math.floor(present / NR.size) - 1 do
      local at = poff + i * NR.size
      push(ctx, ctx.t:add(F["utcp.nack"], R(ctx, at, NR.size)))
      emit(ctx, NR, at)
      pop(ctx)
      if tvb(at + slot_of(NR, "count").offset, 4):uint() == 0 then X(ctx, "utcp.nack_range_empty", "NACK range with count 0") end
    end
  elseif present > 0 and band(flags, C.utcp_data) == 0 then
    ctx.t:add(F["utcp.payload"], R(ctx, poff, present))
  end
  end_layer(ctx)
  ctx.pinfo.cols.info:set("SEQ=" .. seq .. (payload_len > 0 and (" len=" .. payload_len) or ""))
  -- A payload snaplen cut is not read as SBI (DECISIONS.md, "Snaplen"), as cellscope's stream makes it a hole.
  if band(flags, C.utcp_data) ~= 0 and present > 0 and not (payload_len > present and ctx.cut) then sbi_packet(ctx, poff, present) end
  return H.size + present
end

-- ---- Tether ----
local function tai_to_utc(hi, lo)
  local tai = (hi - C.tai64_label_base_hi) * 4294967296 + lo
  for _, row in ipairs(GEN.leap) do
    local utc = tai - row[2]
    if utc >= row[1] then return utc end
  end
  return tai - 10
end

local function fixed(ctx, l, off, avail)
  if avail < l.size then
    X(ctx, "tether.ctrl.body_short", l.name .. " body needs " .. l.size .. " bytes, " .. avail .. " present")
    return false
  end
  emit(ctx, l, off)
  return true
end

local LIST_ENTRY = { Nack = "tether.nack.slot", Sideband = "tether.sideband.tranche" }
local LIST_FIELDS = { F["tether.nack.slot"], F["tether.sideband.tranche"] }

local function control(ctx, off, len)
  local tvb = ctx.tvb
  local prefix = L["TetherControl"]
  local tag = tvb(off + slot_of(prefix, "tag").offset, 4):le_uint()
  push(ctx, ctx.t:add(F["tether.ctrl"], R(ctx, off, len)))
  emit(ctx, prefix, off)
  local body, avail = off + C.tether_ctrl_body, len - C.tether_ctrl_body
  local lname = GEN.ctrl_layout[tag]
  local l = lname and L[lname]
  ctx.pinfo.cols.info:append(" " .. (lname or ("tag " .. tag)))
  if l == nil then
    X(ctx, "tether.ctrl.unknown_tag", "Unknown control tag " .. tag)
    ctx.t:add(F["tether.payload"], R(ctx, off, len))
  elseif l == L["Manifest"] then
    if avail < l.size then
      fixed(ctx, l, body, avail)
    else
      local lo_slot, hi_slot = slot_of(l, "checksum_lo"), slot_of(l, "checksum_hi")
      emit_slot(ctx, l, slot_of(l, "target_flow"), body)
      local lo = tvb(body + lo_slot.offset, 4):le_uint()
      local hi = tvb(body + hi_slot.offset, 4):le_uint()
      ctx.t:add(F["tether.manifest.checksum"], R(ctx, body + lo_slot.offset, 8), UInt64(lo, hi))
      emit_slot(ctx, l, slot_of(l, "total_slots"), body)
      emit_slot(ctx, l, slot_of(l, "total_frames"), body)
    end
  elseif LIST_ENTRY[l.name] then
    if fixed(ctx, l, body, avail) then
      local cs = slot_of(l, "count")
      local count = tvb(body + cs.offset, 4):le_uint()
      local room = math.floor((avail - l.size) / 8)
      if count > room then
        X(ctx, "tether.ctrl.count_overrun", l.name .. " count " .. count .. " needs " .. count * 8 .. " bytes, "
          .. (avail - l.size) .. " present")
      end
      for i = 0, math.min(count, room) - 1 do
        ctx.t:add_le(F[LIST_ENTRY[l.name]], R(ctx, body + l.size + i * 8, 8))
      end
    end
  else
    fixed(ctx, l, body, avail)
  end
  pop(ctx)
end

local function tether(ctx, off, avail, big_endian)
  local tvb = ctx.tvb
  local B = C.tether_block
  ctx.pinfo.cols.protocol:set("Tether")
  if avail < B then
    truncated(ctx, "tether", off, avail, B, "tether.truncated")
    return avail
  end
  local h = big_endian and swapped(L["TetherHeader"]) or L["TetherHeader"]
  -- Snaplen (DECISIONS.md): a Tether frame runs to the end of the frame, so its length on the wire is what was
  -- captured plus what was cut; the cut bytes are unknown, so the length is judged, the checksum and payload are not.
  local uncaptured = ctx.uncaptured
  local on_wire = avail + uncaptured
  local frame_len = uncaptured > 0 and avail or avail - avail % B
  begin_layer(ctx, "tether", off, frame_len)
  if big_endian then
    X(ctx, "tether.big_endian", "Big-endian Tether header (the wire order is little-endian); decoded as big-endian")
  end
  if on_wire % B ~= 0 then
    X(ctx, "tether.len_not_blocks", "Tether length " .. on_wire .. " is not a multiple of 64 (" .. (on_wire % B) .. " trailing bytes)")
  end
  local v = {}
  for _, s in ipairs(h.slots) do
    local value = emit_slot(ctx, h, s, off)
    v[s.name] = value
    if s.name == "flags" then
      if band(value, bnot(C.tether_flags_defined)) ~= 0 then
        X(ctx, "tether.undefined_flags", "Undefined Tether flag bits set: " .. hex(value, 8))
      end
    elseif s.name == "reserved" then
      if value ~= 0 then X(ctx, "tether.reserved_nonzero", "Reserved byte is " .. value .. ", must be 0") end
    elseif s.name == "sender_id_lo" then
      local hi = v.sender_id_hi
      ctx.sender = mac({ rshift(hi, 24), band(rshift(hi, 16), 0xFF), band(rshift(hi, 8), 0xFF), band(hi, 0xFF),
        rshift(value, 8), band(value, 0xFF) })
      ctx.t:add(F["tether.sender"], R(ctx, off + slot_of(h, "sender_id_hi").offset, 6), Address.ether(ctx.sender))
    elseif s.name == "target_id_lo" then
      local hi = v.target_id_hi
      ctx.target = mac({ rshift(hi, 8), band(hi, 0xFF), rshift(value, 24), band(rshift(value, 16), 0xFF),
        band(rshift(value, 8), 0xFF), band(value, 0xFF) })
      ctx.t:add(F["tether.target"], R(ctx, off + slot_of(h, "target_id_hi").offset, 6), Address.ether(ctx.target))
    elseif s.name == "checksum" and uncaptured > 0 then
      -- Not over bytes that were not captured: unknown, not verified (tshark's [unverified]).
      ctx.t:add(F["tether.checksum.status"], R(ctx, off + s.offset, s.size), FD["tether.checksum.status"].names[0])
      X(ctx, "tether.crc_unverified", "CRC-64/GO-ISO not verified: snaplen cut " .. uncaptured .. " of the frame's "
        .. on_wire .. " bytes")
    elseif s.name == "checksum" then
      -- Over every byte of the frame as it arrived: a length that is not whole blocks is its own finding.
      local bytes = tvb(off, avail):bytes()
      local chi, clo = crc64(function(i) return bytes:get_index(i) end, avail, C.crc_zero_at, C.crc_zero_len)
      local good = chi == value:higher() and clo == value:lower()
      local names = FD["tether.checksum.status"].names
      ctx.t:add(F["tether.checksum.status"], R(ctx, off + s.offset, s.size), good and names[1] or names[2])
      if not good then
        X(ctx, "tether.crc_bad", "Bad CRC-64/GO-ISO " .. hex64(value) .. " (computed " .. string.format("0x%08x%08x", chi, clo) .. ")")
      end
    elseif s.name == "tai64n_sec" then
      local nano = v.tai64n_nano
      local hi, lo = value:higher(), value:lower()
      local plausible = hi >= C.tai64_label_base_hi and hi < C.tai64_label_base_hi + 256
      if not plausible or nano >= 1000000000 then
        if hi ~= 0 or lo ~= 0 or nano ~= 0 then
          X(ctx, "tether.time_implausible", "Implausible TAI64N time " .. hex64(value) .. "." .. nano)
        end
      else
        ctx.t:add(F["tether.tai64n"], R(ctx, off + s.offset, s.size), NSTime(tai_to_utc(hi, lo), nano))
      end
    end
  end
  ctx.t:add(F["tether.blocks"], R(ctx, off, frame_len), math.floor(frame_len / B))
  if ctx.eth_src and ctx.eth_src ~= ctx.sender then
    X(ctx, "tether.eth_src_mismatch", "Ethernet source " .. ctx.eth_src .. " differs from Tether sender " .. ctx.sender)
  end
  if ctx.eth_dst and ctx.eth_dst ~= ctx.target then
    X(ctx, "tether.eth_dst_mismatch", "Ethernet destination " .. ctx.eth_dst .. " differs from Tether target " .. ctx.target)
  end
  local poff, plen = off + B, frame_len - B
  ctx.pinfo.cols.info:set("FLOW=" .. v.flow_id .. (plen > 0 and (" len=" .. plen) or ""))
  if v.flow_id == C.tether_ctrl_flow and plen > 0 and uncaptured == 0 then
    control(ctx, poff, plen) -- a control message snaplen cut is shown raw, not parsed
  elseif plen > 0 then
    ctx.t:add(F["tether.payload"], R(ctx, poff, plen))
  end
  end_layer(ctx)
  return frame_len
end

-- ---- entry points: the bytes after EtherType 0x88B5, or a UDP payload on the "decode as" port ----
-- The first four bytes decide (PROTOCOLS.md section 1): the Tether magic as a little- or big-endian
-- header carries it, else UTCP.
-- The link layer's addresses, as the bytes of Wireshark's own fields: tostring(pinfo.dl_src) would give a name
-- resolved from the vendor table (an ID starting ac:1d:06 is "Apple_..."), and a Linux cooked capture has a source
-- (sll.src.eth, for an Ethernet or loopback interface) but no destination (DECISIONS.md).
local ETH_SRC, ETH_DST, SLL_SRC = Field.new("eth.src"), Field.new("eth.dst"), Field.new("sll.src.eth")

local function link_mac(extractor)
  local all = { extractor() }
  local fi = all[#all] -- the innermost: the header that carried this frame
  if fi == nil or fi.range:len() ~= 6 then return nil end
  local b = fi.range:bytes()
  local bytes = {}
  for i = 0, 5 do bytes[i + 1] = b:get_index(i) end
  return mac(bytes)
end

local function dispatch(tvb, pinfo, tree, via_ethernet)
  -- Bytes on the wire that snaplen did not capture: their values are unknown (DECISIONS.md, "Snaplen").
  local uncaptured = math.max(0, tvb:reported_len() - tvb:len())
  local ctx = { tvb = tvb, pinfo = pinfo, t = tree, stack = {}, cut = uncaptured > 0, uncaptured = uncaptured }
  if via_ethernet then
    ctx.eth_src = link_mac(ETH_SRC) or link_mac(SLL_SRC)
    ctx.eth_dst = link_mac(ETH_DST)
  end
  local avail = tvb:len()
  if avail >= 4 then
    local first = tvb(0, 4):uint()
    if first == C.tether_magic_le then return tether(ctx, 0, avail, false) end
    if first == C.tether_magic_be then return tether(ctx, 0, avail, true) end
  end
  return utcp(ctx, 0, avail)
end

-- UTCP's dissector is the one registered for the EtherType; it hands Tether frames on by their magic.
P["utcp"].dissector = function(tvb, pinfo, tree)
  return dispatch(tvb, pinfo, tree, true)
end

local over_udp = Proto("cellscope_udp", "cellscope over UDP (UTCP or Tether, decode as)")
function over_udp.dissector(tvb, pinfo, tree)
  return dispatch(tvb, pinfo, tree, false)
end

DissectorTable.get("ethertype"):add(C.ethertype, P["utcp"])
local udp_port = DissectorTable.get("udp.port")
udp_port:add(C.udp_port, over_udp)
udp_port:add_for_decode_as(over_udp)
