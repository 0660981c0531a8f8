"""``keras.layers``: nn's layers under their Keras names (``Layer`` is nn.Module, the base of all)."""
from nn.activations import ELU, Activation, LeakyReLU, ReLU, Softmax
from nn.layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, concatenate
from nn.module import Module as Layer
from nn.conv import (AveragePooling1D, AveragePooling2D, Conv1D, Conv2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                     GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, UpSampling2D, ZeroPadding2D)
from nn.normalization import BatchNormalization, LayerNormalization
from nn.recurrent import GRU, LSTM, Bidirectional, Embedding, SimpleRNN, TimeDistributed

# Keras's short aliases
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                                      GlobalMaxPooling1D, GlobalMaxPooling2D)

from . import core, merge

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "Concatenate",
           "concatenate", "ReLU", "LeakyReLU", "ELU", "Softmax", "core", "merge",
           "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "ZeroPadding2D", "UpSampling2D", "BatchNormalization",
           "LayerNormalization", "Embedding", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed"]
