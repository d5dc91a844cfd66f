/**
 * The UTCP vocabulary shared by the tap, the peer and the display: flag bits and names, sizes
 * and limits, and seq arithmetic. Plain constants and functions; imports nothing of cellscope.
 */
package dev.cellscope.protocol.utcp;
