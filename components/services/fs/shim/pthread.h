#ifndef PTHREAD_SHIM
#define PTHREAD_SHIM
#include <sys/types.h>
#define PTHREAD_MUTEX_INITIALIZER {{{0}}}
static inline int pthread_mutex_init(pthread_mutex_t *m, void *a) { (void)m; (void)a; return 0; }
static inline int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_mutex_destroy(pthread_mutex_t *m) { (void)m; return 0; }
#endif
