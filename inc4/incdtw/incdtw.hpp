#pragma once
// SPDX-License-Identifier: BSD-3-Clause (the LICENSE file of incdtw, installed with the headers)
/// Umbrella header of the incdtw library: includes every public header, nothing else.

#include "barycenter.hpp"
#include "cancel.hpp"
#include "collection.hpp"
#include "cost_matrix.hpp"
#include "dtw.hpp"
#include "dtw_vector.hpp"
#include "incremental.hpp"
#include "lower_bound.hpp"
#include "options.hpp"
#include "partial.hpp"
#include "peaks.hpp"
#include "plane.hpp"
#include "rundtw.hpp"
#include "scaling.hpp"
#include "simd.hpp"
#include "types.hpp"
#include "version.hpp"
