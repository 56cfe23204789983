/* SPDX-License-Identifier: MIT
 *
 * fl-transfer.h — a new model's branches from elsewhere (issue 15): from a
 * saved model (a classifier's file, or a matching model's, whose branch
 * tensors have the same names), and the text embedding from word vectors
 * (fl-word-vectors.h). A run does both in fl_run_new() when its settings
 * ask (FlTrainSettings.init_from, .word_vectors, .freeze), so a classifier
 * and a matcher get them alike; the app may call these on any model.
 *
 * What is loaded, branch by branch: a branch the new model has is taken
 * whole when every one of its tensors is in the file with the same shape
 * (found by name, whatever else the file holds), and skipped, with the
 * reason, when one is missing or differs (another image size changes
 * img_fc, another D every branch's last layer). The fusion and the head
 * always keep their fresh initialisation: the classes of the new data are
 * not the old model's.
 *
 * The text embedding's rows are words: row i of the new model is its
 * vocabulary's word i, and it gets the row of that word in the file's
 * vocabulary (its metadata), whatever the two vocabularies' orders and
 * sizes; words the file lacks keep their random initialisation.
 *
 * Normalisation. The new run keeps its own data's statistics (each input
 * channel standardised over its training split), not the file's. The
 * loaded filters learned on inputs of mean 0 and sd 1 per channel; the
 * new data standardised with its own statistics is that again, whereas
 * the old statistics applied to other pictures give inputs of another
 * spread (the Adwaita icons' pixel sd is 0.41, the emoji's 0.30). Both
 * were measured (fusionlab-cli label-efficiency --fusion image on the
 * emoji at S=32, from an icons image classifier, 100 % of the labels, 8
 * epochs, 3 seeds): fine-tuned, the same accuracy (0.680 ± 0.016 with the
 * icons' statistics, 0.677 ± 0.008 with the emoji's: the first layer
 * adapts); frozen, the emoji's own are better, 0.563 ± 0.003 against
 * 0.536 ± 0.013 — re-estimating normalisation statistics on the target
 * domain, as AdaBN (Li et al. 2016) does for batch norm. On the same
 * data the two are nearly equal. A numeric branch is loaded only from a
 * model of the same columns (by name).
 */
#pragma once

#include "fl-inputs.h"
#include "fl-model.h"
#include "fl-text.h"
#include "fl-trainer.h"

G_BEGIN_DECLS

/* Loads into model (whose embedding rows are vocab's words, and whose
 * inputs stats normalises: its numeric column names are checked) the
 * branches of the model file at path that fit, as above. *loaded (may be
 * NULL) receives the branches loaded; *report a new one-line account
 * ("init from M: image loaded (conv1, conv2, img_fc); text loaded (…: 812
 * of 1000 words found, …); audio skipped: …; fusion and head fresh"). FALSE
 * with a FL_ENGINE_ERROR_FORMAT naming path for a file that is not a
 * Fusion Lab model file, is corrupt, or holds values that are not finite
 * (model then partly written); a branch that does not fit is no error. */
gboolean fl_transfer_init_from (FlModel            *model,
                                const FlVocab      *vocab,
                                const FlInputStats *stats,
                                const char         *path,
                                guint              *loaded,
                                char              **report,
                                GError            **error);

/* Sets the rows of model's text embedding whose words the word-vector file
 * at path has (its vectors must be FlConfig.text_hidden wide); *report
 * receives "word vectors: F of V words found in FILE", with what was
 * skipped. FALSE with an error naming the file and the line (see
 * fl-word-vectors.h); a model without a text branch is a programmer error. */
gboolean fl_transfer_word_vectors (FlModel       *model,
                                   const FlVocab *vocab,
                                   const char    *path,
                                   char         **report,
                                   GError       **error);

/* Whether the model file at path was trained on exactly the training part
 * of run's split (a run of the whole training split, without init_from,
 * whose statistics are its own): its vocabulary is the run's, token for
 * token, and its image statistics are the ones the run fitted, to the
 * float. Both are functions of the training samples, so a model trained on
 * another split (or other data) fails it, and one that passes has never
 * seen the run's held-out samples. FALSE with *why set (a new string
 * saying what differs) when it is not; FALSE with error set when the file
 * cannot be read. */
gboolean fl_transfer_same_split (FlRun        *run,
                                 const char   *path,
                                 char        **why,
                                 GError      **error);

/* Whether the model run starts from (FlTrainSettings.init_from) may have
 * been trained on some of run's held-out samples, which would inflate its
 * validation figures: it is of this data (every word of its vocabulary
 * occurs in the data's texts, as a vocabulary built from any split of them
 * does) but not of exactly this training split (fl_transfer_same_split()),
 * e.g. trained with another seed or validation fraction. TRUE with *why
 * set (a new string: one line, naming the file, for a warning); FALSE when
 * the run has no init_from, when the data differ, when the split is the
 * same, or (error set) when the file cannot be read. A model of no words
 * (pictures only) cannot be told from one of other data: FALSE. A model of
 * a superset of this data also passes unwarned (its vocabulary is not this
 * data's). */
gboolean fl_transfer_held_out_seen (FlRun        *run,
                                    char        **why,
                                    GError      **error);

G_END_DECLS
