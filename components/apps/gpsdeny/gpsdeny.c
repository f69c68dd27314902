/* A location app for the session tests (components/apps/gpsapp.h). */
#define NAME "gpsdeny"
#include "../gpsapp.h"
