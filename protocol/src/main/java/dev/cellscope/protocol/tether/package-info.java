/**
 * The Tether vocabulary shared by the tap, the peer and the display: flag bits, magic, block
 * size, control tags and names, and the credit cost rule. Imports nothing of cellscope.
 */
package dev.cellscope.protocol.tether;
