/* CPU feature detection and enabling: SSE (always), XSAVE/AVX when present,
 * so that code generated from WebAssembly can use SIMD registers and every
 * thread's FPU state can be saved on a switch. */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/klib.h>

struct cpu_caps cpu_caps;

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define FXSAVE_AREA_SIZE 512

static void feature(char *buf, size_t cap, bool on, const char *name)
{
    if (!on)
        return;
    size_t len = strlen(buf);
    ksnprintf(buf + len, cap - len, "%s%s", len ? " " : "", name);
}

void cpu_init(struct boot_info *bi)
{
    uint32_t r[4];
    char vendor[13];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = '\0';

    cpuid(1, 0, r);
    uint32_t ecx1 = r[2], edx1 = r[3];
    unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family >= 6)
        model |= ((r[0] >> 16) & 0xf) << 4;

    uint32_t ebx7 = 0, ecx7 = 0;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        ebx7 = r[1];
        ecx7 = r[2];
    }
    cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    uint32_t edx81 = 0, edx87 = 0;
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, r);
        edx81 = r[3];
    }
    if (max_ext >= 0x80000007) {
        cpuid(0x80000007, 0, r);
        edx87 = r[3];
    }
    char brand[49];
    memset(brand, 0, sizeof brand);
    if (max_ext >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, r);
            memcpy(brand + 16 * i, r, 16);
        }
    }
    size_t skip = 0; /* the brand string is often right-aligned with spaces */
    while (skip < sizeof brand - 1 && brand[skip] == ' ')
        skip++;
    const char *b = brand + skip;

    cpu_caps.nx = edx81 & (1u << 20);
    cpu_caps.pages_1g = edx81 & (1u << 26);
    cpu_caps.xsave = ecx1 & (1u << 26);
    cpu_caps.avx = cpu_caps.xsave && (ecx1 & (1u << 28));
    cpu_caps.avx2 = cpu_caps.avx && (ebx7 & (1u << 5));
    cpu_caps.x2apic = ecx1 & (1u << 21);
    cpu_caps.tsc_deadline = ecx1 & (1u << 24);
    cpu_caps.rdrand = ecx1 & (1u << 30);
    cpu_caps.rdseed = ebx7 & (1u << 18);
    cpu_caps.invariant_tsc = edx87 & (1u << 8);
    (void)ecx7;

    ksnprintf(bi->cpu_desc, sizeof bi->cpu_desc, "%s family %u model %u%s%s", vendor, family,
              model, *b ? ", " : "", b);
    char *f = bi->cpu_features;
    size_t cap = sizeof bi->cpu_features;
    f[0] = '\0';
    feature(f, cap, edx1 & (1u << 25), "sse");
    feature(f, cap, edx1 & (1u << 26), "sse2");
    feature(f, cap, ecx1 & (1u << 0), "sse3");
    feature(f, cap, ecx1 & (1u << 9), "ssse3");
    feature(f, cap, ecx1 & (1u << 19), "sse4.1");
    feature(f, cap, ecx1 & (1u << 20), "sse4.2");
    feature(f, cap, ecx1 & (1u << 23), "popcnt");
    feature(f, cap, ecx1 & (1u << 25), "aes");
    feature(f, cap, cpu_caps.xsave, "xsave");
    feature(f, cap, cpu_caps.avx, "avx");
    feature(f, cap, cpu_caps.avx2, "avx2");
    feature(f, cap, ebx7 & (1u << 16), "avx512f");
    feature(f, cap, ebx7 & (1u << 3), "bmi1");
    feature(f, cap, cpu_caps.nx, "nx");
    feature(f, cap, cpu_caps.pages_1g, "pdpe1gb");
    feature(f, cap, edx1 & (1u << 9), "apic");
    feature(f, cap, cpu_caps.x2apic, "x2apic");
    feature(f, cap, cpu_caps.tsc_deadline, "tsc-deadline");
    feature(f, cap, cpu_caps.invariant_tsc, "invtsc");
    feature(f, cap, cpu_caps.rdrand, "rdrand");
    feature(f, cap, cpu_caps.rdseed, "rdseed");
    feature(f, cap, ebx7 & (1u << 7), "smep");
    feature(f, cap, ebx7 & (1u << 20), "smap");

    /* Generated component code uses x86-64-v2's instructions (GEN_ISA in
     * mk/config.mk): a CPU without them would fault on the first one, in
     * whichever component runs it first. Say so once, here, instead. */
    uint32_t v2 = (1u << 9) | (1u << 19) | (1u << 20) | (1u << 23);
    if ((ecx1 & v2) != v2)
        kpanic("this CPU (%s) lacks %s%s%s%s: Azoth's components need an x86-64-v2 CPU "
               "(any x86-64 since 2009; QEMU: -cpu max)", bi->cpu_desc,
               ecx1 & (1u << 9) ? "" : "SSSE3 ", ecx1 & (1u << 19) ? "" : "SSE4.1 ",
               ecx1 & (1u << 20) ? "" : "SSE4.2 ", ecx1 & (1u << 23) ? "" : "POPCNT");

    /* x87 + SSE: no emulation, native FPU errors, FXSAVE/SSE exceptions on. */
    uint64_t cr0 = read_cr0();
    cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    write_cr0(cr0);
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu_caps.xsave)
        cr4 |= CR4_OSXSAVE;
    write_cr4(cr4);
    __asm__ volatile("fninit");
    if (cpu_caps.xsave) {
        uint64_t xcr0 = XCR0_X87 | XCR0_SSE | (cpu_caps.avx ? XCR0_AVX : 0);
        xsetbv(0, xcr0);
        cpuid(0xd, 0, r);
        cpu_caps.xsave_size = r[1]; /* size needed for the features now enabled in XCR0 */
    } else {
        cpu_caps.xsave_size = FXSAVE_AREA_SIZE;
    }
}
