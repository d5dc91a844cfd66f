/**
 * Transports behind {@link dev.cellscope.endpoint.core.Link}: UDP now; raw Ethernet (AF_PACKET,
 * through native-tap) joins here later.
 */
package dev.cellscope.endpoint.transport;
