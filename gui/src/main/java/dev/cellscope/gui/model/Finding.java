package dev.cellscope.gui.model;

import dev.cellscope.expert.Expert;

/** An expert finding and the frame it is on (0 for findings about the capture as a whole). */
public record Finding(long frame, Expert expert) {}
