"""A Pollux model exported by pollux-export --format hf (issue 32): the architecture of spec
section 4 on the forward weights Pollux computes with (lattice, ternary or int8 weights stored
dequantized in model.safetensors), so its logits are Pollux's.

  x = tok_emb[ids] + pos_emb[positions]
  n_layers pre-norm blocks: x += Attn(RMSNorm(x)); x += MLP(RMSNorm(x))
    Attn: q, k, v, o are d x d, no bias; 24-wide heads; per-head RMSNorm (24 gains) on q and k;
          causal scaled-dot-product attention, scale 1/sqrt(24)
    MLP:  d -> 4d, exact (erf) GELU, 4d -> d, no bias
  final RMSNorm, untied head; RMSNorm(x) = x rsqrt(mean(x^2) + 1e-8) g
  logits of ids >= tokenizer_vocab_size (the padded vocabulary) are -inf.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn
from transformers import GenerationMixin, PreTrainedModel
from transformers.modeling_outputs import CausalLMOutput

from .configuration_pollux import PolluxConfig


def quantize_activations(x, bits):
    """Per-token absmax quantization of a quantized linear's input (ternary models, BitNet's)."""
    if bits == 0:
        return x
    levels = float((1 << (bits - 1)) - 1)
    d = x.float()
    s = d.abs().amax(-1, keepdim=True).clamp_min(1e-5)
    return ((d * torch.full_like(s, levels).div(s)).round().clamp(-levels, levels) * s.div(levels)).to(x.dtype)


class RMSNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class PolluxAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        d = config.hidden_size
        self.head_dim = config.head_dim
        self.bits = config.activation_bits
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.q_ln = RMSNorm(config.head_dim, config.rms_norm_eps)
        self.k_ln = RMSNorm(config.head_dim, config.rms_norm_eps)

    def forward(self, h):
        B, T, d = h.shape
        heads = (B, T, d // self.head_dim, self.head_dim)
        q = self.q_ln(self.q_proj(h).view(heads)).transpose(1, 2)
        k = self.k_ln(self.k_proj(h).view(heads)).transpose(1, 2)
        v = self.v_proj(h).view(heads).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1, scale=1.0 / math.sqrt(self.head_dim))
        return self.o_proj(quantize_activations(a.transpose(1, 2).reshape(B, T, d), self.bits))


class PolluxMLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.fc1 = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.fc2 = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)
        self.bits = config.activation_bits

    def forward(self, h):
        return self.fc2(quantize_activations(F.gelu(self.fc1(h)), self.bits))


class PolluxBlock(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln1 = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.attn = PolluxAttention(config)
        self.ln2 = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.mlp = PolluxMLP(config)
        self.bits = config.activation_bits

    def forward(self, x):
        x = x + self.attn(quantize_activations(self.ln1(x), self.bits))
        return x + self.mlp(quantize_activations(self.ln2(x), self.bits))


class PolluxForCausalLM(PreTrainedModel, GenerationMixin):
    config_class = PolluxConfig
    base_model_prefix = "pollux"
    _no_split_modules = ["PolluxBlock"]

    def __init__(self, config):
        super().__init__(config)
        d = config.hidden_size
        self.tok_emb = nn.Embedding(config.vocab_size, d)
        self.pos_emb = nn.Embedding(config.max_position_embeddings, d)
        self.blocks = nn.ModuleList(PolluxBlock(config) for _ in range(config.num_hidden_layers))
        self.ln_f = RMSNorm(d, config.rms_norm_eps)
        self.head = nn.Linear(d, config.vocab_size, bias=False)
        self.post_init()

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        elif isinstance(module, RMSNorm):
            nn.init.ones_(module.weight)

    def get_input_embeddings(self):
        return self.tok_emb

    def get_output_embeddings(self):
        return self.head

    def forward(self, input_ids, attention_mask=None, labels=None, **kwargs):
        """Logits (B, T, vocab_size) of input_ids (B, T), T <= max_position_embeddings, each
        position attending to itself and the ones before it (attention_mask is not read:
        positions are absolute, so a batch is padded on the right). With labels, the mean
        cross-entropy of predicting labels[:, 1:] (-100 ignored), as Hugging Face models do."""
        T = input_ids.shape[1]
        if T > self.config.max_position_embeddings:
            raise ValueError(f"{T} tokens exceed the context of {self.config.max_position_embeddings}")
        positions = torch.arange(T, device=input_ids.device)
        x = self.tok_emb(input_ids) + self.pos_emb(positions)
        for block in self.blocks:
            x = block(x)
        logits = self.head(quantize_activations(self.ln_f(x), self.config.activation_bits))
        if self.config.tokenizer_vocab_size < self.config.vocab_size:
            logits[..., self.config.tokenizer_vocab_size :] = float("-inf")
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), labels[:, 1:].reshape(-1))
        return CausalLMOutput(loss=loss, logits=logits)

    def prepare_inputs_for_generation(self, input_ids, **kwargs):
        # No key-value cache: every step runs the whole (cropped) context again.
        return {"input_ids": input_ids[:, -self.config.max_position_embeddings :]}
