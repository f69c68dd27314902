/* A location app for the session tests (components/apps/gpsapp.h). */
#define NAME "gpsask"
#include "../gpsapp.h"
