/**
 * Display filters: Wireshark's filter language over cellscope's one field registry.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * DisplayFilter f = DisplayFilter.compile("sbi.op == BLOCK_PUT && utcp.seq > 1000");  // throws FilterException
 * FilterSink sink = f.newSink();                 // one per thread, reused for every frame
 * sink.reset();
 * dissector.dissect(packet, timing, sink);       // the sink collects only the fields f reads
 * boolean show = f.matches(sink);                // evaluate before the next frame
 * }</pre>
 * Compilation resolves every field name against {@link dev.cellscope.field.FieldRegistry} and
 * converts every literal once into the representation of the field it meets (long for numeric
 * types, byte[] for byte types, String, {@link java.util.regex.Pattern}). The sink implements
 * {@code wants}/{@code wantsLayer}/{@code wantsExperts} like {@code -T fields} does, so the
 * dissector skips layers (SBI, Tether, UTCP) and checks (the Tether CRC) that the filter does
 * not need; a filter that reads {@code expert.*} or {@code frame.protocols} needs everything.
 * Numeric tests allocate nothing per frame.
 *
 * <h2>Grammar (EBNF)</h2>
 * <pre>
 * filter      = [ or ] ;                                  (* blank: every frame matches *)
 * or          = xor { ( "or" | "||" ) xor } ;
 * xor         = and { ( "xor" | "^^" ) and } ;
 * and         = not { ( "and" | "&amp;&amp;" ) not } ;
 * not         = ( "not" | "!" ) not | primary ;
 * primary     = "(" or ")" | test ;                       (* at most 100 "(" and "not" open at once *)
 * test        = [ "any" | "all" ] operand [ relation ] ;  (* no relation: presence test *)
 * operand     = FIELD [ "[" slice "]" ] ;
 * relation    = compare value
 *             | "contains" value
 *             | ( "matches" | "~" ) STRING
 *             | "in" "{" element { [ "," ] element } "}"
 *             | ( "&amp;" | "bitand" | "bitwise_and" ) INTEGER [ compare value ] ;
 * compare     = "==" | "eq" | "any_eq" | "!=" | "ne" | "all_ne" | "===" | "all_eq"
 *             | "!==" | "~=" | "any_ne" | "&lt;" | "lt" | "&lt;=" | "le" | "&gt;" | "gt" | "&gt;=" | "ge" ;
 * element     = value | WORD ".." WORD ;                   (* "1..5", "1 .. 5": numeric fields only *)
 * slice       = INT ":" LEN | INT "-" INT | INT | ":" LEN | INT ":" ;
 * value       = WORD | STRING ;
 * WORD        = { letter | digit | "_" | "." | ":" | "/" | "-" } ;   (* read as the field's type *)
 * STRING      = '"' { char | escape } '"' ;                (* \" \\ \n \t \r \a \b \f \v \xNN \NNN \\uNNNN \UNNNNNNNN *)
 * </pre>
 *
 * <h2>Precedence</h2>
 * {@code not} &gt; {@code and} &gt; {@code xor} &gt; {@code or}, all left-associative ({@code not}
 * right): {@code a or b and c} is {@code a or (b and c)}, {@code not a == 1} is
 * {@code not (a == 1)}. This is the table of wireshark-filter(4), "Logical expressions"
 * (doc/man_pages/wireshark-filter.adoc: "not, and, xor, or ... from highest to lowest
 * precedence"). {@link DisplayFilter#toString()} shows the grouping chosen.
 *
 * <h2>Literals, by the type of the field they meet</h2>
 * <ul>
 *   <li>Integers (UINT, UINT_HEX, FRAMENUM): decimal, {@code 0x} hex, {@code 0} octal,
 *       {@code 0b} binary; must fit the field's width.</li>
 *   <li>ENUM and SYMBOL: a number or a value name, bare or quoted ({@code sbi.op == BLOCK_PUT},
 *       {@code tether.ctrl.tag == Hail}, {@code expert.severity >= warn}); exact names first,
 *       then a unique case-insensitive match. Ordered comparisons use the numeric values
 *       (chat &lt; note &lt; warn &lt; error).</li>
 *   <li>BOOLEAN: {@code true}/{@code false} (any case), {@code 1}/{@code 0}.</li>
 *   <li>Byte strings (BYTES, and any slice): hex bytes {@code 3f:2a:00:01}, {@code 3f-2a},
 *       {@code 3f.2a}, {@code 3f2a0001}; a single {@code 0xNN}; or a quoted string (its UTF-8
 *       bytes). CELLID: 32 hex digits, separators optional. IPV6: an IPv6 literal (never a
 *       name lookup) or 16 hex bytes.</li>
 *   <li>ETHER and TETHER_ID: six hex bytes ({@code ac:1d:12:34:56:78}, {@code ac-1d-…},
 *       {@code ac1d.1234.5678}).</li>
 *   <li>IPV4: dotted quad; with {@code ==}, {@code !=} and in sets also CIDR
 *       ({@code ip.src == 10.0.0.0/8}). Addresses order as numbers.</li>
 *   <li>STRING: double-quoted only.</li>
 *   <li>RELTIME: seconds with decimals ({@code frame.time_relative > 0.5}); ABSTIME: epoch
 *       seconds with decimals or a quoted ISO-8601 time ({@code "2026-11-28T12:00:00.5Z"};
 *       UTC when no zone is given, unlike Wireshark's local time). Times keep nanoseconds.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>A bare field or protocol tests presence: {@code utcp.flags.nack} matches every UTCP
 *       frame (the bit is always reported), {@code utcp.flags.nack == 1} the NACKs.</li>
 *   <li><b>Repeated fields.</b> A field may occur several times in a frame (NACK ranges, bulk
 *       Nack slots, DAG node hashes, several SBI messages). Every test has a quantifier: ANY
 *       (some occurrence satisfies it) or ALL (every occurrence does). Following Wireshark 4
 *       (wireshark-filter(4), "Comparison operators"): {@code ==}/{@code eq}/{@code any_eq}
 *       are ANY-equal; {@code !=}/{@code ne}/{@code all_ne} are ALL-not-equal, i.e. "a != b" is
 *       "not any a == b"; {@code ===}/{@code all_eq} are ALL-equal; {@code !==}/{@code any_ne}
 *       are ANY-not-equal, and {@code ~=} (Wireshark 3.6's spelling, deprecated by 4.0 in
 *       favour of {@code !==}) is accepted as the same. Every other comparison is ANY. An
 *       explicit {@code any}/{@code all} prefix overrides the operator's own quantifier
 *       ({@code all utcp.nack.first > 5}, {@code any sbi.op != ACK}).</li>
 *   <li><b>Absent fields.</b> Every comparison, with either quantifier, contains Wireshark's
 *       implicit "exists" test: it is false when the field does not occur. So
 *       {@code sbi.op != 0x11} is false on a frame without SBI, while {@code !(sbi.op == 0x11)}
 *       (and {@code !sbi.op == 0x11}) is true there. The man page says so for
 *       {@code ip.dst ne 224.1.2.3}: "This is the same as writing: ip.dst and ip.dst ne
 *       224.1.2.3 ... To display the non-IP packets as well ... not ip.dst eq 224.1.2.3".
 *       {@code !sbi} matches frames without SBI.</li>
 *   <li>{@code contains}: byte fields and slices contain a byte sequence (a quoted string is
 *       its UTF-8 bytes); strings contain a substring. Not defined for numbers.</li>
 *   <li>{@code matches}: a Java regular expression searched ({@code find}) in the value's text
 *       form: strings as they are, value names for ENUM/SYMBOL, the {@code -T fields} form
 *       for other numbers (0x-padded hex for UINT_HEX, dotted quads, MACs, seconds), hex for
 *       bytes, the address for IPv6. <b>Case-sensitive</b> unless the pattern starts with
 *       {@code (?i)} (Wireshark's PCRE2 matching is case-insensitive by default; cellscope
 *       keeps Java's default so that a pattern means the same here as in code).</li>
 *   <li>{@code in}: membership in a set of values and closed ranges {@code lo..hi}; elements
 *       separated by spaces or commas. Ranges need a numeric field.</li>
 *   <li>{@code field & mask} is true when the AND is non-zero; {@code field & mask == v}
 *       compares the masked value. Integer fields only.</li>
 *   <li>Ordering: unsigned for integers and addresses, signed for times, unsigned-bytewise
 *       lexicographic for byte strings (CellIDs), UTF-16 lexicographic for strings.</li>
 *   <li>Slices ({@code sbi.put.hash[0:4]}): {@code [i:len]}, {@code [i-j]} (j inclusive),
 *       {@code [i]}, {@code [:len]}, {@code [i:]}; negative i or j count from the end. They
 *       apply to byte fields, CellIDs, IPv6 and (as their 6 or 4 bytes) MAC, Tether-ID and
 *       IPv4 addresses, and to strings (by code point; the result is a string). A slice that
 *       does not fit an occurrence, or is empty, yields nothing for that occurrence; the test
 *       then runs over the occurrences that have it (and is false when none has).</li>
 *   <li>Expert findings are the fields {@code expert} (presence), {@code expert.severity},
 *       {@code expert.group} (symbols ordered by value), {@code expert.message} and {@code expert.id}
 *       (the kind of finding, docs/EXPERTS.md).</li>
 *   <li>Analysis flags ({@code utcp.analysis.retransmission}, {@code tether.analysis.overrun},
 *       ...) are ordinary registry fields: they match once the analysis layer reports them
 *       through the sink.</li>
 * </ul>
 * Not implemented (Wireshark has them): field-to-field comparisons, arithmetic, functions
 * ({@code len()}, {@code upper()}...), layer operator {@code #}, raw strings, macros,
 * slices of protocols ({@code frame[0:4]}).
 *
 * <h2>Errors</h2>
 * {@link dev.cellscope.filter.FilterException} (unchecked) carries the expression, the 0-based
 * {@code position()} (1-based {@code column()}) and a message that says what was expected;
 * {@code caretLine()} renders the expression with a {@code ^} under the position. Syntax
 * errors and unknown names say the column ("unknown field 'utcp.sq' at column 1; did you mean
 * 'utcp.seq'?", "expected a value after '==' at column 13", "unclosed '(' at column 1");
 * type errors name the field's type and quote the literal ("utcp.seq is an unsigned integer;
 * \"abc\" is not"). The complete list is the test table
 * {@code src/test/resources/filter/errors.tsv}.
 */
package dev.cellscope.filter;
