"""``keras.layers``: nn's layers under their Keras names (``Layer``: nn.Layer, Keras's subclassing protocol
on nn.Module)."""
from nn.activations import ELU, Activation, Softmax
from nn.keras_activations import LeakyReLU, ReLU
from nn.keras_layers import (ActivityRegularization, Add, Average, Dot, GaussianNoise, Lambda, Maximum, Minimum,
                             Multiply, Normalization, Permute, RepeatVector, Rescaling, Reshape, Subtract, add,
                             average, dot, maximum, minimum, multiply, subtract)
from nn.layer import Layer
from nn.layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, concatenate
from nn.conv import (AveragePooling1D, AveragePooling2D, Conv1D, Conv2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                     GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, UpSampling2D, ZeroPadding2D)
from nn.conv_transpose import Conv1DTranspose, Conv2DTranspose
from nn.normalization import BatchNormalization, LayerNormalization
from nn.recurrent import GRU, LSTM, Bidirectional, Embedding, Masking, SimpleRNN, TimeDistributed

# Keras's short aliases
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                                      GlobalMaxPooling1D, GlobalMaxPooling2D)

from . import core, merge

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "Concatenate",
           "concatenate", "ReLU", "LeakyReLU", "ELU", "Softmax", "Lambda", "Reshape", "Permute", "RepeatVector",
           "Rescaling", "Normalization", "GaussianNoise", "ActivityRegularization", "Add", "Subtract", "Multiply",
           "Average", "Maximum", "Minimum", "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
           "dot", "core", "merge",
           "Conv1D", "Conv2D", "Conv1DTranspose", "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "ZeroPadding2D", "UpSampling2D", "BatchNormalization",
           "LayerNormalization", "Embedding", "Masking", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed"]

