"""The extractive reader stage: span scoring with a no-answer option (reader.model),
answer assembly with citations (reader.assemble), and the training/calibration scripts
that produce the shipped model (reader.train; calibration is eval.calibrate, as it scores answers).

Importing this package loads no model.
"""
