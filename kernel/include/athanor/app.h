/* Packages started as components (kernel/load/app.c): the starter's grants
 * decoded into a component config, and the start itself. Used by the
 * app_start host call (a shell) and by the hosted `azoth run`. */
#ifndef ATHANOR_APP_H
#define ATHANOR_APP_H

#include <athanor/component.h>

/* Decode a start request (struct ath_app_spec and its strings, a kernel
 * copy) from starter (NULL: the kernel itself, which may grant any
 * directory and network) into a config (one kmalloc'd block) for a
 * package named pkg_name that asks for pkg_pages of memory. 0, or
 * -ATH_EINVAL, -ATH_EPERM (a directory the starter cannot reach, network
 * rules beyond its own: the net service is asked, as the starter),
 * -ATH_ENOENT (no filesystem or network service), -ATH_ENOMEM; the reason
 * in why. */
int app_config(struct component *starter, const uint8_t *spec, size_t spec_len,
               const char *pkg_name, uint32_t pkg_pages, bool host_stdio, struct comp_config **out,
               char *why, size_t why_len);
/* Load the package (the kernel's copy, as pkg_load takes it: the package
 * owns it once loaded, else the caller still does), make a component of
 * it with the request's grants, and start it: 0 and *out, or an error (the
 * package loader's, app_config's, -ATH_EEXIST for a name in use) with the
 * reason in why. Its slot stays until comp_remove. */
int app_start(struct component *starter, struct plat_code *pkg, size_t pkg_len,
              const uint8_t *spec, size_t spec_len, bool host_stdio, struct component **out,
              char *why, size_t why_len);

#endif
