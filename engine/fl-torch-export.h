/* SPDX-License-Identifier: MIT
 *
 * fl-torch-export.h — a run handed to PyTorch: a folder that trains the
 * same model on the same data with torchrun and DistributedDataParallel,
 * and saves a model file this Fusion Lab opens (issue 17).
 *
 *   DIR/README.md             how to run it, on one machine or several
 *   DIR/model.py, train.py    resources/torch/, as they are
 *   DIR/config.json           the training settings and the data's sizes
 *   DIR/init.safetensors      the run's initial weights: a model file
 *                             (fl-predictor.h), its metadata the config,
 *                             vocabulary, classes and normalisation
 *   DIR/vocab.json, classes.json
 *   DIR/split.safetensors     train_idx, val_idx (I32), and the order in
 *                             which the engine visits the training samples
 *                             each epoch, train_order (E, n_train) I32,
 *                             with modality dropout train_drop (E, n_train)
 *                             U8 (FlDrop masks)
 *   DIR/data/shard-NNNNN.safetensors  the samples in dataset order, in
 *                             shards of at most about 256 MB: images
 *                             (m,3,S,S) U8, the bags as tok_off (m+1) and
 *                             tok_idx I32 (token ids into the vocabulary),
 *                             labels (m) I32, and where the model has them
 *                             audio (m,1,M,T) and numeric (m,2K) F32,
 *                             normalised as the engine trains on them
 */
#pragma once

#include "fl-trainer.h"

G_BEGIN_DECLS

/* Writes run's export into dir (made if missing). An existing dir that is
 * not empty is refused unless force (G_IO_ERROR_EXISTS), and then only
 * this export's own files are written over. command is the command line that made it (for the
 * README), or NULL. Call it before fl_run_train(): the initial weights are
 * the model's as it is. A run with augmentation is refused (train.py
 * trains on the pictures as they are). A FL_ENGINE_ERROR_INVALID or a GIO error names the
 * file that could not be written. */
gboolean fl_torch_export (FlRun       *run,
                          const char  *dir,
                          gboolean     force,
                          const char  *command,
                          GError     **error);

G_END_DECLS
