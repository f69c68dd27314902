/* The hosted platform's PCI bus double: configuration mechanism 1 (ports
 * 0xCF8/0xCFC) in front of the functions the device doubles present, bus 0:
 * 00:03.0 the AC'97 controller (ac97.c, when AZOTH_AC97 is set), 00:04.0
 * the virtio-blk disk (virtio_blk.c, when AZOTH_DISK names an image) and
 * 00:05.0 the host folder (hostdir.c, when AZOTH_HOSTDIR names one) and
 * 00:06.0 the network card (virtio_net.c, when AZOTH_NET names a peer). With
 * none, the ports read all ones, like a machine without PCI. */
#include "hosted.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

static uint32_t cfg_addr;

/* The function mechanism 1 addresses now, if a double has it: its device
 * number, else -1. */
static int addressed(void)
{
    if ((cfg_addr & 0x80ff0700u) != 0x80000000u) /* enabled, bus 0, function 0 */
        return -1;
    unsigned dev = (cfg_addr >> 11) & 0x1f;
    if (dev == HOSTED_AC97_DEV && hosted_ac97_present())
        return (int)dev;
    if (dev == HOSTED_VIRTIO_DEV && hosted_virtio_present())
        return (int)dev;
    if (dev == HOSTED_HOSTDIR_DEV && hosted_hostdir_present())
        return (int)dev;
    if (dev == HOSTED_VNET_DEV && hosted_vnet_present())
        return (int)dev;
    return -1;
}

static bool any(void)
{
    return hosted_ac97_present() || hosted_virtio_present() || hosted_hostdir_present() || hosted_vnet_present();
}

bool hosted_pci_in(uint16_t port, unsigned width, uint32_t *v)
{
    if (!any() || port < CFG_ADDR || port + width > CFG_DATA + 4)
        return false;
    irqflags_t f = plat_irq_save(); /* a device's state is not changed halfway by its interrupt path */
    if (port == CFG_ADDR && width == 4) {
        *v = cfg_addr;
    } else if (port >= CFG_DATA) {
        int dev = addressed();
        unsigned off = cfg_addr & 0xfc;
        uint32_t w = dev == HOSTED_AC97_DEV ? hosted_ac97_cfg_in(off)
                   : dev == HOSTED_VIRTIO_DEV ? hosted_virtio_cfg_in(off)
                   : dev == HOSTED_HOSTDIR_DEV ? hosted_hostdir_cfg_in(off)
                   : dev == HOSTED_VNET_DEV ? hosted_vnet_cfg_in(off) : 0xffffffffu;
        w >>= 8 * (port - CFG_DATA);
        *v = width == 4 ? w : w & (width == 1 ? 0xffu : 0xffffu);
    } else {
        *v = width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
    }
    plat_irq_restore(f);
    return true;
}

bool hosted_pci_out(uint16_t port, unsigned width, uint32_t v)
{
    if (!any() || port < CFG_ADDR || port + width > CFG_DATA + 4)
        return false;
    irqflags_t f = plat_irq_save();
    if (port == CFG_ADDR && width == 4) {
        cfg_addr = v;
    } else if (port == CFG_DATA && width == 4) {
        int dev = addressed();
        if (dev == HOSTED_AC97_DEV)
            hosted_ac97_cfg_out(cfg_addr & 0xfc, v);
        else if (dev == HOSTED_VIRTIO_DEV)
            hosted_virtio_cfg_out(cfg_addr & 0xfc, v);
        else if (dev == HOSTED_HOSTDIR_DEV)
            hosted_hostdir_cfg_out(cfg_addr & 0xfc, v);
        else if (dev == HOSTED_VNET_DEV)
            hosted_vnet_cfg_out(cfg_addr & 0xfc, v);
    }
    plat_irq_restore(f);
    return true;
}
