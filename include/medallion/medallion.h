/* medallion.h — every public header of Medallion, in module order. */
#ifndef MEDALLION_H
#define MEDALLION_H
#include "medallion/core.h"
#include "medallion/parquet.h"
#include "medallion/delta.h"
#include "medallion/compute.h"
#include "medallion/source.h"
#endif
