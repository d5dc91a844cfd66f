/**
 * Live packet sources behind {@link dev.cellscope.io.PacketSource}: the capture session, and
 * every face over it, reads an interface exactly as it reads a file. See the module README.
 */
package dev.cellscope.live;
