"""``keras.callbacks``: nn.callbacks under the same names (TensorBoard, EarlyStopping, ModelCheckpoint, ...)."""
from nn.callbacks import (BackupAndRestore, CSVLogger, Callback, EarlyStopping, History, LearningRateScheduler,
                          ModelCheckpoint, ReduceLROnPlateau, TensorBoard, TerminateOnNaN)

__all__ = ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "CSVLogger", "LearningRateScheduler",
           "ReduceLROnPlateau", "TerminateOnNaN", "TensorBoard", "BackupAndRestore"]
