/** Changes to the process itself through FFM: dropping root for another user (the probe's -Z). */
package dev.cellscope.nativetap.process;
