/*  vedette: public headers of libvedette, the code shared by meshd, the probe
    and the console. Not installed; linked statically into each program.     */
#ifndef VEDETTE_H_INCLUDED
#define VEDETTE_H_INCLUDED

#include <czmq.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdbool.h>

#define VD_VERSION          "0.1.0"
#define VD_MESH_PORT        7440
#define VD_API_PORT         7441
#define VD_EVENTS_PORT      7442
#define VD_SSH_PORT         2222

#include "vd_util.h"
#include "vd_wire.h"
#include "vd_config.h"
#include "vd_db.h"
#include "vd_spool.h"
#include "vd_token.h"
#include "vd_chunk.h"
#include "vd_sketch.h"
#include "vd_heap.h"
#include "vd_backup_model.h"

#endif
