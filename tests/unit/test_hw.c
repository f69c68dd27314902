/* Unit tests of the hardware layer's invoke side and its part of a
 * component (kernel/hw: comp.c, mmio.c, dma.c, irq.c, refused.c) with fake
 * capabilities and a fake platform: the manifest's grants, MMIO widths and
 * block writes, DMA within a quota and given back at a reset, interrupt
 * lines bound to notifications, and the counting of refusals. */
#include <string.h>

#include "fake_platform.h"

#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/hw.h>
#include <athanor/notify.h>

/* ---- the platform and neighbours ---- */

static uint8_t device[3 * PLAT_MMIO_CHUNK / 2]; /* device memory at DEV_BASE */
#define DEV_BASE (4ull * PLAT_MMIO_CHUNK)
static unsigned mmio_maps;
volatile void *plat_mmio_ptr(uint64_t phys, size_t len)
{
    mmio_maps++;
    if (phys < DEV_BASE || phys + len > DEV_BASE + sizeof device)
        return NULL; /* the platform cannot map it */
    assert_true((phys & ~(PLAT_MMIO_CHUNK - 1)) == ((phys + len - 1) & ~(PLAT_MMIO_CHUNK - 1)));
    return device + (phys - DEV_BASE);
}
/* No emulated device: what the platform cannot map is not there. */
int plat_mmio_emul_read(uint64_t phys, unsigned width, uint64_t *val)
{
    (void)phys, (void)width, (void)val;
    return -ATH_ENOSYS;
}
int plat_mmio_emul_write(uint64_t phys, unsigned width, uint64_t val)
{
    (void)phys, (void)width, (void)val;
    return -ATH_ENOSYS;
}


static phys_addr_t next_frame = FAKE_RAM_BASE;
static unsigned frames_out;
int frame_alloc(size_t count, size_t align, phys_addr_t *out)
{
    (void)align;
    if (next_frame + count * PAGE_SIZE > FAKE_RAM_END)
        return -ATH_ENOMEM;
    *out = next_frame;
    next_frame += count * PAGE_SIZE;
    frames_out += (unsigned)count;
    return 0;
}
void frame_free(phys_addr_t base, size_t count) { (void)base; frames_out -= (unsigned)count; }

static int map_result;
static struct { size_t off; phys_addr_t pa; size_t len; } maps[8];
static unsigned nmaps;
int plat_vrange_map_frames(struct plat_vrange *r, size_t off, phys_addr_t phys, size_t len)
{
    (void)r;
    if (map_result)
        return map_result;
    maps[nmaps % 8].off = off;
    maps[nmaps % 8].pa = phys;
    maps[nmaps++ % 8].len = len;
    return 0;
}
int plat_vrange_phys(struct plat_vrange *r, size_t off, phys_addr_t *phys)
{
    (void)r;
    for (unsigned i = 0; i < nmaps && i < 8; i++)
        if (off >= maps[i].off && off < maps[i].off + maps[i].len) {
            *phys = maps[i].pa + (off - maps[i].off);
            return 0;
        }
    return -ATH_EINVAL;
}

static struct { size_t off, len; unsigned calls; bool freed; } unmapped;
int plat_vrange_unmap_frames(struct plat_vrange *r, size_t off, size_t len, bool free_frames)
{
    (void)r;
    unmapped.off = off, unmapped.len = len, unmapped.calls++, unmapped.freed = free_frames;
    for (unsigned i = 0; i < nmaps && i < 8; i++)
        if (maps[i].off >= off && maps[i].off + maps[i].len <= off + len) {
            if (free_frames)
                frame_free(maps[i].pa, maps[i].len / PAGE_SIZE);
            maps[i].len = 0; /* gone: plat_vrange_phys no longer finds it */
        }
    return 0;
}


static int line_enable_result;
static bool line_enabled[PLAT_IRQ_LINES], line_unmasked[PLAT_IRQ_LINES];
int plat_irqline_enable(unsigned line)
{
    if (line_enable_result)
        return line_enable_result;
    line_enabled[line] = true;
    return 0;
}
void plat_irqline_disable(unsigned line) { line_enabled[line] = false; }
void plat_irqline_unmask(unsigned line) { line_unmasked[line] = true; }

bool notify_dead(struct notification *n) { return n->dead; }
void notify_signal(struct notification *n, uint64_t bits) { n->bits |= bits; }

/* ---- a driver ---- */

static struct component drv;
static struct cap slots[16];
static uint32_t max_frame = 256;
static const struct comp_image img = { .name = "drv", .max_frame = &max_frame };
static const struct comp_config cfg = {
    .name = "drv", .image = &img,
    .ioports = { { 0x3f8, 8 } }, .nioports = 1,
    .mmio = { { DEV_BASE, sizeof device } }, .nmmio = 1,
    .irqs = { 4 }, .nirqs = 1,
    .dma_pages = 4,
};

static int setup(void **state)
{
    (void)state;
    fake_panic_reset();
    fake_ram_reset();
    if (drv.hw.dma)
        memset(drv.hw.dma, 0, sizeof *drv.hw.dma); /* the slot keeps its book: a fresh one here */
    struct dma_book *book = drv.hw.dma;
    memset(&drv, 0, sizeof drv);
    drv.hw.dma = book;
    memset(device, 0, sizeof device);
    memset(line_enabled, 0, sizeof line_enabled);
    memset(line_unmasked, 0, sizeof line_unmasked);
    drv.cfg = &cfg;
    cap_table_init(&drv.caps, slots, 16, &drv);
    fake_copy_fail(false);
    map_result = line_enable_result = 0;
    nmaps = mmio_maps = 0;
    memset(&unmapped, 0, sizeof unmapped);
    hw_irq_release(4);
    return 0;
}

static struct cap_ref nth(enum cap_type type, unsigned n)
{
    cap_handle_t h;
    assert_int_equal(cap_nth(&drv.caps, type, n, &h), 0);
    struct cap_ref ref;
    assert_int_equal(cap_lookup(&drv.caps, h, CAP_T_NONE, 0, &ref), 0);
    return ref;
}

static void test_start_grants_the_manifest(void **state)
{
    (void)state;
    drv.hw.dma_used = 99, drv.hw.dma_next = 5, drv.hw.refused = 3; /* a previous generation's */
    assert_int_equal(hw_comp_start(&drv, NULL), 0);
    assert_int_equal(drv.hw.dma_used + drv.hw.dma_next + drv.hw.refused, 0);
    struct cap_ref io = nth(CAP_T_IOPORT, 0), mm = nth(CAP_T_MMIO, 0);
    struct cap_ref dma = nth(CAP_T_DMA, 0), irq = nth(CAP_T_IRQ, 0);
    assert_int_equal(io.base, 0x3f8);
    assert_int_equal(io.len, 8);
    assert_ptr_equal(io.object, &drv.hw.ioports[0]); /* objects the part holds */
    assert_int_equal(mm.base, DEV_BASE);
    assert_int_equal(mm.len, sizeof device);
    assert_ptr_equal(mm.object, &drv.hw.mmio[0]);
    assert_int_equal(dma.len, 4 * PAGE_SIZE);
    assert_ptr_equal(dma.object, &drv.hw.dma_used);
    assert_ptr_equal(irq.object, hw_irq_line(4));
    assert_int_equal(irq.base, 4);
    cap_handle_t h;
    assert_int_equal(cap_nth(&drv.caps, CAP_T_IOPORT, 1, &h), -ATH_ENOENT); /* nothing more */
}

static void test_start_fails_cleanly_when_full(void **state)
{
    (void)state;
    static struct cap two[3];
    cap_table_init(&drv.caps, two, 3, &drv); /* room for two of its four */
    assert_int_equal(hw_comp_start(&drv, NULL), -ATH_EQUOTA); /* cap.c's answer for a full table */
}

static void test_mmio(void **state)
{
    (void)state;
    assert_int_equal(hw_mmio_write(DEV_BASE + 8, 4, 0xdeadbeefcafe), 0);
    assert_int_equal(device[8], 0xfe);
    assert_int_equal(device[11], 0xbe); /* the low four bytes of the value */
    assert_int_equal(device[12], 0); /* exactly four bytes */
    uint64_t v = 0;
    assert_int_equal(hw_mmio_read(DEV_BASE + 8, 2, &v), 0);
    assert_int_equal(v, 0xcafe);
    assert_int_equal(hw_mmio_write(DEV_BASE + 16, 8, 0x0102030405060708ull), 0);
    assert_int_equal(hw_mmio_read(DEV_BASE + 16, 8, &v), 0);
    assert_int_equal(v, 0x0102030405060708ull);
    assert_int_equal(hw_mmio_read(DEV_BASE + 16, 1, &v), 0);
    assert_int_equal(v, 8);
    assert_int_equal(hw_mmio_read(0x1000, 4, &v), -ATH_ENOSYS); /* the platform cannot map it */
    assert_int_equal(hw_mmio_write(0x1000, 4, 1), -ATH_ENOSYS);
}

static void test_mmio_block_crosses_chunks(void **state)
{
    (void)state;
    static uint8_t src[8192];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 7 + 1);
    uint64_t at = DEV_BASE + PLAT_MMIO_CHUNK - 4096; /* half in one chunk, half in the next */
    assert_int_equal(hw_mmio_write_block(at, src, sizeof src), 0);
    assert_memory_equal(device + (at - DEV_BASE), src, sizeof src);
    assert_int_equal(mmio_maps, 2); /* one mapping per chunk */
    fake_copy_fail(true); /* a page of the source went missing */
    assert_int_equal(hw_mmio_write_block(at, src, sizeof src), -ATH_EFAULT);
}

/* The driver started: its DMA quota. */
static uint64_t dma_quota(void)
{
    hw_comp_start(&drv, NULL);
    return nth(CAP_T_DMA, 0).len;
}

static void test_dma_within_quota(void **state)
{
    (void)state;
    uint64_t quota = dma_quota();
    uint32_t where;
    uint64_t phys;
    memset(fake_ram(), 0xee, 3 * PAGE_SIZE);
    assert_int_equal(hw_dma_alloc(&drv, quota, 3 * PAGE_SIZE, &where, &phys), 0);
    assert_int_equal(where, HW_DMA_WINDOW);
    assert_int_equal(phys, FAKE_RAM_BASE);
    for (size_t i = 0; i < 3 * PAGE_SIZE; i++) /* zeroed for the driver */
        assert_int_equal(fake_ram()[i], 0);
    uint64_t p2;
    assert_int_equal(hw_dma_phys(&drv, where + PAGE_SIZE + 5, &p2), 0);
    assert_int_equal(p2, phys + PAGE_SIZE + 5);
    assert_int_equal(hw_dma_alloc(&drv, quota, 2 * PAGE_SIZE, &where, &phys), -ATH_ENOMEM); /* 5 > 4 pages */
    assert_int_equal(hw_dma_alloc(&drv, quota, PAGE_SIZE, &where, &phys), 0);
    assert_int_equal(where, HW_DMA_WINDOW + 3 * PAGE_SIZE);
    assert_int_equal(drv.hw.dma_used, quota);
    unsigned out = frames_out;
    drv.hw.dma_used = 0;
    map_result = -ATH_ENOMEM; /* cannot map: the frames go back */
    assert_int_equal(hw_dma_alloc(&drv, quota, PAGE_SIZE, &where, &phys), -ATH_ENOMEM);
    assert_int_equal(frames_out, out);
    assert_int_equal(hw_dma_phys(&drv, 0x100, &p2), -ATH_EINVAL); /* not a page it holds */
}

/* A reset takes the DMA buffers away: zeroed (what the device wrote does
 * not wait in memory), unmapped from the window, the quota whole again and
 * the next buffer at the window's start. Their frames are parked, not
 * freed: a device nobody stopped may still write into them, so they go to
 * this driver's next buffers of their size first, zeroed again, and to no
 * one else. */
static void test_dma_reset_parks(void **state)
{
    (void)state;
    uint64_t quota = dma_quota();
    uint32_t where;
    uint64_t phys, first, second;
    unsigned out = frames_out;
    assert_int_equal(hw_dma_alloc(&drv, quota, PAGE_SIZE, &where, &first), 0);
    assert_int_equal(hw_dma_alloc(&drv, quota, 2 * PAGE_SIZE, &where, &second), 0);
    uint8_t *ram = plat_phys_to_virt(first);
    memset(ram, 0x5a, 3 * PAGE_SIZE); /* what a device wrote */
    hw_comp_reset(&drv);
    for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
        assert_int_equal(ram[i], 0);
    assert_int_equal(unmapped.calls, 1);
    assert_int_equal(unmapped.off, HW_DMA_WINDOW);
    assert_int_equal(unmapped.len, 3 * PAGE_SIZE);
    assert_false(unmapped.freed);
    assert_int_equal(frames_out, out + 3); /* parked */
    assert_int_equal(drv.hw.dma_used + drv.hw.dma_next, 0);
    assert_int_equal(hw_dma_phys(&drv, HW_DMA_WINDOW, &phys), -ATH_EINVAL);
    memset(ram, 0x77, 3 * PAGE_SIZE); /* the device writes on */
    /* The next 2-page buffer is the parked one, zeroed again; a 4-page
     * one has no parked run of its size: fresh frames. */
    assert_int_equal(hw_dma_alloc(&drv, quota, 2 * PAGE_SIZE, &where, &phys), 0);
    assert_int_equal(where, HW_DMA_WINDOW);
    assert_int_equal(phys, second);
    for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
        assert_int_equal(((uint8_t *)plat_phys_to_virt(second))[i], 0);
    assert_int_equal(frames_out, out + 3);
    hw_comp_reset(&drv);
    assert_int_equal(hw_dma_alloc(&drv, quota, (uint32_t)quota, &where, &phys), 0); /* all of it again */
    assert_int_equal(where, HW_DMA_WINDOW);
    assert_int_equal(frames_out, out + 3 + 4);
    hw_comp_reset(&drv);
    hw_comp_reset(&drv); /* nothing held: nothing to do */
    assert_int_equal(unmapped.calls, 3);
    /* A stop parks them too (the driver trapped; its device did not). */
    assert_int_equal(hw_dma_alloc(&drv, quota, PAGE_SIZE, &where, &phys), 0);
    assert_int_equal(phys, first);
    hw_comp_stop(&drv);
    assert_int_equal(unmapped.calls, 4);
    assert_false(unmapped.freed);
    assert_int_equal(drv.hw.dma_used, 0);
}

static void test_irq_lines(void **state)
{
    (void)state;
    struct irq_line *l = hw_irq_line(4);
    struct notification n = { .bits = 0 }, dead = { .dead = true };
    assert_null(hw_irq_line(PLAT_IRQ_LINES));
    hw_irq_ack(l); /* not bound: nothing to unmask */
    assert_false(line_unmasked[4]);
    assert_int_equal(hw_irq_bind(l, &dead, 1, &drv.caps), -ATH_ESTALE);
    assert_false(line_enabled[4]);
    assert_int_equal(hw_irq_bind(l, &n, 0x10, &drv.caps), 0);
    assert_true(line_enabled[4]);
    hw_irq_fired(4);
    assert_int_equal(n.bits, 0x10);
    assert_int_equal(l->count, 1);
    hw_irq_ack(l);
    assert_true(line_unmasked[4]);
    hw_irq_forget(&n); /* the notification dies: the line lets go */
    assert_null(l->notify);
    assert_false(line_enabled[4]);
    n.bits = 0;
    hw_irq_fired(4);
    assert_int_equal(n.bits, 0);
    line_enable_result = -ATH_ENOSYS; /* the platform cannot deliver it */
    assert_int_equal(hw_irq_bind(l, &n, 1, &drv.caps), -ATH_ENOSYS);
    assert_null(l->notify);
    line_enable_result = 0;
    assert_int_equal(hw_irq_bind(l, &n, 1, &drv.caps), 0);
    hw_comp_stop(&drv); /* the driver stops: its line falls silent */
    assert_null(l->notify);
    assert_false(line_enabled[4]);
}

/* A line bound through a copy falls silent when the copy goes (the privacy
 * service taking a sensor driver's line back), and only then: another
 * table's copy going changes nothing. */
static void test_irq_unbound_when_its_capability_goes(void **state)
{
    (void)state;
    hw_irq_init();
    struct cap other_slots[8];
    struct cap_table other;
    cap_table_init(&other, other_slots, 8, NULL);
    struct irq_line *l = hw_irq_line(4);
    cap_handle_t root, mine, theirs;
    assert_int_equal(cap_insert_range(&other, CAP_T_IRQ, CAP_R_ALL, l, 4, 1, &root), 0);
    assert_int_equal(cap_derive(&other, root, CAP_R_ALL, 0, &drv.caps, &mine), 0);
    assert_int_equal(cap_derive(&other, root, CAP_R_ALL, 0, &other, &theirs), 0);
    struct notification n = { .bits = 0 };
    assert_int_equal(hw_irq_bind(l, &n, 2, &drv.caps), 0);
    assert_int_equal(cap_delete(&other, theirs), 0); /* not the binder's */
    assert_ptr_equal(l->notify, &n);
    assert_true(line_enabled[4]);
    /* Another table binding the line meanwhile is refused, and changes
     * nothing: the first driver keeps its interrupts. */
    struct notification n2 = { .bits = 0 };
    assert_int_equal(hw_irq_bind(l, &n2, 4, &other), -ATH_EBUSY);
    assert_ptr_equal(l->notify, &n);
    assert_int_equal(hw_irq_bind(l, &n2, 8, &drv.caps), 0); /* the binder may bind it anew */
    assert_ptr_equal(l->notify, &n2);
    assert_int_equal(cap_revoke(&other, root), 0);    /* the binder's copy goes */
    assert_null(l->notify);
    assert_false(line_enabled[4]);
    hw_irq_fired(4);
    assert_int_equal(n.bits, 0);
    assert_int_equal(n2.bits, 0);
    assert_int_equal(hw_irq_bind(l, &n, 2, &other), 0); /* free again: anyone holding it may */
    cap_table_clear(&other);
}

static void test_refusals_counted_and_reported(void **state)
{
    (void)state;
    unsigned lines = fake_kprintf_count();
    for (int i = 0; i < 20; i++)
        hw_refused(&drv, "I/O port", 0x80, -ATH_ERANGE);
    assert_int_equal(drv.hw.refused, 20);
    assert_int_equal(fake_kprintf_count() - lines, 8); /* the first few reported, all counted */
    assert_true(fake_contains(fake_kprintf_last(), "further refusals only counted"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_start_grants_the_manifest, setup),
        cmocka_unit_test_setup(test_start_fails_cleanly_when_full, setup),
        cmocka_unit_test_setup(test_mmio, setup),
        cmocka_unit_test_setup(test_mmio_block_crosses_chunks, setup),
        cmocka_unit_test_setup(test_dma_within_quota, setup),
        cmocka_unit_test_setup(test_dma_reset_parks, setup),
        cmocka_unit_test_setup(test_irq_lines, setup),
        cmocka_unit_test_setup(test_irq_unbound_when_its_capability_goes, setup),
        cmocka_unit_test_setup(test_refusals_counted_and_reported, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
