/** Waiting on file descriptors through FFM for code that does not own them (the pcap backend's libpcap socket). */
package dev.cellscope.nativetap.io;
