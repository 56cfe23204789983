/* SPDX-License-Identifier: MIT
 *
 * fl-predictor-private.h — the predictor, shared by its files:
 * fl-predictor.c (model files) and fl-predictor-predict.c (predicting).
 */
#pragma once

#include "fl-predictor.h"

struct FlPredictor {
  FlModel      *model;
  FlVocab      *vocab;
  char        **class_names;
  FlInputStats  stats;
};
