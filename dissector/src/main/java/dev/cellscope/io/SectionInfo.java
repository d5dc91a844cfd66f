package dev.cellscope.io;

/**
 * The options of a pcapng Section Header Block: what wrote the file and where. Each is written
 * only when non-null, so a file says as much about its capture as is known.
 *
 * @param hardware    shb_hardware (2): the machine, or null
 * @param os          shb_os (3): the operating system, or null
 * @param application shb_userappl (4): the writing program, or null
 * @param comment     opt_comment (1), or null
 */
public record SectionInfo(String hardware, String os, String application, String comment) {

    /** What {@link PcapngWriter} has always written: only shb_userappl "cellscope". */
    public static final SectionInfo CELLSCOPE = new SectionInfo(null, null, "cellscope", null);

    /** shb_userappl "cellscope" and shb_os from this JVM ("Linux 6.1.0-..."), as dumpcap writes its host's. */
    public static SectionInfo thisHost() {
        return new SectionInfo(null, System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "cellscope", null);
    }
}
