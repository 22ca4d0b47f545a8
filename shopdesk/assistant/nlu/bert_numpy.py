"""The MiniLM (BERT) forward pass in plain NumPy, float32 throughout.

This is the reference implementation: the ONNX graph in ``bert_onnx`` is built from the same weights
and checked against it. Layout and names follow the Hugging Face ``BertModel`` checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

NUM_HEADS = 12
LAYER_NORM_EPS = np.float32(1e-12)
F32 = np.float32


@dataclass(frozen=True)
class _Layer:
    qkv_weight: np.ndarray  # (hidden, 3*hidden): one matmul for query, key and value
    qkv_bias: np.ndarray
    attn_out_weight: np.ndarray
    attn_out_bias: np.ndarray
    attn_norm: tuple[np.ndarray, np.ndarray]
    inter_weight: np.ndarray
    inter_bias: np.ndarray
    out_weight: np.ndarray
    out_bias: np.ndarray
    out_norm: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + LAYER_NORM_EPS) * norm[0] + norm[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    # The exact (erf) GELU that BERT was trained with, not the tanh approximation.
    return F32(0.5) * x * (F32(1.0) + erf(x * F32(0.7071067811865476)))


class NumpyBert:
    """Token ids and attention mask in, mean-pooled L2-normalised sentence embeddings out."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.word_embeddings = weights["embeddings.word_embeddings.weight"]
        self.position_embeddings = weights["embeddings.position_embeddings.weight"]
        self.token_type_embedding = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.hidden = self.word_embeddings.shape[1]
        self.layers: list[_Layer] = []
        index = 0
        while f"encoder.layer.{index}.attention.self.query.weight" in weights:
            self.layers.append(self._layer(weights, f"encoder.layer.{index}."))
            index += 1

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> _Layer:
        # Checkpoint matrices are (out, in); store them transposed so the hot path is x @ W.
        qkv = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")])
        return _Layer(
            qkv_weight=np.ascontiguousarray(qkv.T),
            qkv_bias=np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
            attn_out_weight=np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
            attn_out_bias=w[p + "attention.output.dense.bias"],
            attn_norm=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
            inter_weight=np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
            inter_bias=w[p + "intermediate.dense.bias"],
            out_weight=np.ascontiguousarray(w[p + "output.dense.weight"].T),
            out_bias=w[p + "output.dense.bias"],
            out_norm=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        batch, length = input_ids.shape
        x = self.word_embeddings[input_ids] + self.position_embeddings[:length] + self.token_type_embedding
        x = _layer_norm(x, self.embedding_norm)
        mask = attention_mask.astype(F32)
        # Padding keys get a large negative score so softmax gives them ~0 weight.
        key_bias = ((F32(1.0) - mask) * F32(-1e9))[:, None, None, :]
        head_dim = self.hidden // NUM_HEADS
        scale = F32(1.0 / np.sqrt(head_dim))
        for layer in self.layers:
            qkv = x @ layer.qkv_weight + layer.qkv_bias
            qkv = qkv.reshape(batch, length, 3, NUM_HEADS, head_dim).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            scores = (query * scale) @ key.transpose(0, 1, 3, 2) + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ value).transpose(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = _layer_norm(context @ layer.attn_out_weight + layer.attn_out_bias + x, layer.attn_norm)
            inner = _gelu(x @ layer.inter_weight + layer.inter_bias)
            x = _layer_norm(inner @ layer.out_weight + layer.out_bias + x, layer.out_norm)
        return mean_pool_normalise(x, mask)


def mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the token vectors that are not padding, then scale each sentence vector to length 1."""
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    counts = np.maximum(mask.sum(axis=1, keepdims=True), F32(1e-9))
    pooled = summed / counts
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), F32(1e-12))
    return (pooled / norms).astype(F32, copy=False)
