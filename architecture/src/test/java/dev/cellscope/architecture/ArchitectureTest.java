package dev.cellscope.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture of cellscope as executable rules (docs/ARCHITECTURE.md and DESIGN.md "Modules" say the same in
 * words): no package cycles, a core layered one way, modules that depend in one direction, and faces that leave the
 * capture loop to the session. Each rule checks the main classes of every module; each fails when broken.
 */
class ArchitectureTest {

    // The core: the protocol vocabulary and everything the dissector module holds. Bottom to top.
    private static final String VOCABULARY = "dev.cellscope.protocol..";
    private static final String[] BOTTOM = {VOCABULARY, "dev.cellscope.field..", "dev.cellscope.expert..",
            "dev.cellscope.wire..", "dev.cellscope.crypto..", "dev.cellscope.blocks.."};
    private static final String IO = "dev.cellscope.io..";
    private static final String ANALYSIS = "dev.cellscope.analysis..";
    private static final String DISSECT = "dev.cellscope.dissect..";
    private static final String[] ABOVE = {"dev.cellscope.session..", "dev.cellscope.flow..",
            "dev.cellscope.filter..", "dev.cellscope.output.."};
    private static final String[] CORE = Stream.of(BOTTOM, new String[] {IO, ANALYSIS, DISSECT}, ABOVE)
            .flatMap(Stream::of).toArray(String[]::new);

    private static final String CLI = "dev.cellscope.cli..";
    private static final String GUI = "dev.cellscope.gui..";

    /** Main classes only: a test may reach across layers to check them. */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("dev.cellscope");

    /** Rule 1: no package cycles, between modules' top packages, inside endpoint and protocol, between any two packages. */
    @Test
    void noPackageCycles() {
        CompositeArchRule.of(slices().matching("dev.cellscope.(*)..").should().beFreeOfCycles())
                .and(slices().matching("dev.cellscope.endpoint.(*)..").should().beFreeOfCycles())
                .and(slices().matching("dev.cellscope.protocol.(*)..").should().beFreeOfCycles())
                .and(slices().matching("dev.cellscope.(**)").should().beFreeOfCycles())
                .because("a cycle makes two packages one: neither can be understood, tested or moved alone")
                .check(MAIN);
    }

    /** Rule 2: the core's layers depend downwards only (protocol vocabulary, codecs and registries, io, analysis, dissect, session and outputs). */
    @Test
    void coreLayersDependDownwardsOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("dev.cellscope..")
                .layer("Vocabulary").definedBy(VOCABULARY)
                .layer("Codecs and registries").definedBy(Stream.of(BOTTOM).filter(p -> !p.equals(VOCABULARY)).toArray(String[]::new))
                .layer("IO").definedBy(IO)
                .layer("Analysis").definedBy(ANALYSIS)
                .layer("Dissection").definedBy(DISSECT)
                .layer("Session and outputs").definedBy(ABOVE)
                .whereLayer("Vocabulary").mayNotAccessAnyLayer()
                .whereLayer("Codecs and registries").mayOnlyAccessLayers("Vocabulary")
                .whereLayer("IO").mayOnlyAccessLayers("Vocabulary", "Codecs and registries")
                .whereLayer("Analysis").mayOnlyAccessLayers("Vocabulary", "Codecs and registries", "IO")
                .whereLayer("Dissection").mayOnlyAccessLayers("Vocabulary", "Codecs and registries", "IO", "Analysis")
                .whereLayer("Session and outputs").mayOnlyAccessLayers("Vocabulary", "Codecs and registries", "IO", "Analysis", "Dissection")
                .because("each protocol rule is written once at the bottom and reached from above; analysis and"
                        + " dissection build on it, and every face gets frames through the session (issue 10, What to build 2)")
                .check(MAIN);
    }

    /** Rule 2: the core imports no face of ours, no UI or CLI library and no native downcalls. */
    @Test
    void coreImportsNoFaceUiOrNativeCode() {
        DescribedPredicate<JavaClass> faces = resideInAPackage("dev.cellscope..").and(resideOutsideOfPackages(CORE))
                .as("are ours but outside the core (endpoint, cli, charts, gui, samples, nativetap, ...)");
        DescribedPredicate<JavaClass> uiOrCli = resideInAnyPackage("picocli..", "javafx..", "org.jfree..")
                .as("belong to picocli, JavaFX or jfreechart");
        DescribedPredicate<JavaClass> downcalls = belongToAnyOf(Linker.class, SymbolLookup.class)
                .as("are FFM downcalls (Linker, SymbolLookup)");
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat(faces.or(uiOrCli).or(downcalls))
                .because("the core is pure Java every face reuses: the GUI, the probe and the peer stand on it, not it"
                        + " on them; native code lives in native-tap behind ServiceLoader (a mapped MemorySegment is fine)")
                .check(MAIN);
    }

    /** Rule 3: the endpoint (the peer) uses the protocol vocabulary and codecs, not the tap or the CLI. */
    @Test
    void endpointDoesNotPullInTheTap() {
        noClasses().that().resideInAPackage("dev.cellscope.endpoint..")
                .should().dependOnClassesThat().resideInAnyPackage(Stream.concat(
                        Stream.of(IO, ANALYSIS, DISSECT, CLI, "dev.cellscope.charts..", "dev.cellscope.samples..", "dev.cellscope.gui.."),
                        Stream.of(ABOVE)).toArray(String[]::new))
                .because("the peer shares the protocol's rules with the tap through the protocol module; it must not"
                        + " pull in dissection, filters or CSV, and any face may host it")
                .check(MAIN);
    }

    /** Rule 3: the charts are drawn the same for every face, so they know no CLI and no JavaFX. */
    @Test
    void chartsKnowNoCliAndNoJavaFx() {
        noClasses().that().resideInAPackage("dev.cellscope.charts..")
                .should().dependOnClassesThat().resideInAnyPackage(CLI, "picocli..", "javafx..")
                .because("the CLI renders charts to files now and the GUI shows them next: both reuse one module")
                .check(MAIN);
    }

    /** Rule 3: native-tap is the native layer under everything: the JDK and the bottom of the core only. */
    @Test
    void nativeTapDependsOnlyOnTheBottomAndTheJdk() {
        classes().that().resideInAPackage("dev.cellscope.nativetap..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(Stream.concat(
                        Stream.of("dev.cellscope.nativetap..", "java.."), Stream.of(BOTTOM)).toArray(String[]::new))
                .because("the endpoint, live capture and the dissector's BLAKE3 all stand on native-tap,"
                        + " so it may know only the protocol's vocabulary, codecs and crypto interfaces")
                .check(MAIN);
    }

    /** Rule 3: pcap4j (and the JNA under it) stays in the libpcap backend; every other class sees the live-capture SPI only. */
    @Test
    void pcap4jStaysInThePcapBackend() {
        noClasses().that().resideOutsideOfPackage("dev.cellscope.live.pcap..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pcap4j..", "com.sun.jna..")
                .because("our native code is FFM (DESIGN.md: no JNI, no JNA in our code); pcap4j is one backend behind"
                        + " dev.cellscope.live.LiveBackend, so the AF_PACKET ring, AF_XDP and DPDK slot in beside it without changing callers")
                .check(MAIN);
    }

    /**
     * Rule 3: the AF_PACKET sockets and ring of native-tap are reached by the peer's link (endpoint) and by the
     * afpacket backend only; every face captures through the live-capture SPI, whichever backend it gets.
     */
    @Test
    void packetSocketsStayInTheEndpointAndTheAfPacketBackend() {
        // replay transmits whole frames (FrameTransmitter) and captures nothing, so it bypasses no backend;
        // live.xdp is the AF_XDP backend (XdpCapture and the BpfFilter interpreter live in nativetap.packet); live.dpdk
        // asks whether an XDP program is already on the interface before DPDK's af_xdp driver touches it (XdpAttachment)
        noClasses().that().resideOutsideOfPackages("dev.cellscope.nativetap..", "dev.cellscope.endpoint..", "dev.cellscope.live.afpacket..",
                        "dev.cellscope.live.xdp..", "dev.cellscope.live.dpdk..", "dev.cellscope.replay..")
                .should().dependOnClassesThat().resideInAPackage("dev.cellscope.nativetap.packet..")
                .because("a capture face that opened a TpacketV3Ring itself would bypass --backend, the drop counters and the"
                        + " one-line errors of dev.cellscope.live.LiveBackend; AF_XDP and DPDK slot in the same way")
                .check(MAIN);
    }

    /** Rule 3: the CLI is a leaf: nothing but the CLI depends on it. */
    @Test
    void nothingDependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage(CLI)
                .should().dependOnClassesThat().resideInAPackage(CLI)
                .because("the CLI is one face among the probe and the GUI: what they share belongs below it")
                .check(MAIN);
    }

    /** Rule 3: the GUI is a face over the session, the charts and the live sources; nothing depends on it. */
    @Test
    void guiStandsOnTheSessionChartsAndLiveCaptureOnly() {
        CompositeArchRule.of(noClasses().that().resideOutsideOfPackage(GUI)
                        .should().dependOnClassesThat().resideInAPackage(GUI))
                .and(noClasses().that().resideInAPackage(GUI)
                        .should().dependOnClassesThat().resideInAnyPackage(CLI, "dev.cellscope.endpoint..", "dev.cellscope.samples..",
                                "dev.cellscope.probe..", "dev.cellscope.nativetap..", "picocli.."))
                .because("the GUI is one face among the CLI and the probe: it reaches captures through the session, the live"
                        + " sources through live-capture and draws the charts module's plots; what it shares belongs below it")
                .check(MAIN);
    }

    /** Rule 4: capture faces neither open captures nor run analysis themselves; the session does it for them. */
    @Test
    void facesLeaveTheCaptureLoopToTheSession() {
        // By name, so the rule holds wherever AnalysisThread lives (it moves from analysis to session).
        DescribedPredicate<JavaClass> analysisThread = DescribedPredicate.describe("are an AnalysisThread",
                c -> c.getPackageName().startsWith("dev.cellscope.") && c.getSimpleName().equals("AnalysisThread"));
        DescribedPredicate<JavaMethodCall> captureLoopCalls = DescribedPredicate.describe(
                "open a capture (CaptureReader.open) or make its analysis (CaptureAnalysis factory methods)",
                call -> opensCapture(call) || makesCaptureAnalysis(call));
        CompositeArchRule.of(noClasses().that().resideInAnyPackage(CLI, GUI).should().dependOnClassesThat(analysisThread))
                .and(noClasses().that().resideInAnyPackage(CLI, GUI).should().callMethodWhere(captureLoopCalls))
                .because("one capture loop serves every face: read, stats, plot, the probe and the GUI are thin over"
                        + " dev.cellscope.session, which opens captures and runs analysis (issue 10, What to build 1)")
                .check(MAIN);
    }

    private static boolean opensCapture(JavaMethodCall call) {
        return call.getTargetOwner().getName().equals("dev.cellscope.io.CaptureReader") && call.getName().equals("open");
    }

    private static boolean makesCaptureAnalysis(JavaMethodCall call) {
        return call.getTargetOwner().getName().equals("dev.cellscope.analysis.CaptureAnalysis")
                && call.getTarget().resolveMember().map(m -> m.getModifiers().contains(JavaModifier.STATIC)).orElse(false);
    }
}
