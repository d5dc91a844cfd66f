/** Native code reached through Panama FFM (java.lang.foreign); no JNI. */
package dev.cellscope.nativetap;
