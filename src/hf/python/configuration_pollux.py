"""Configuration of a Pollux model exported by pollux-export --format hf (issue 32)."""

from transformers import PretrainedConfig


class PolluxConfig(PretrainedConfig):
    """The shape of a Pollux transformer (spec section 4): `vocab_size` is the padded vocabulary
    of the embeddings and the head, `tokenizer_vocab_size` the ids the tokenizer emits (logits
    of larger ids are -inf), heads are `head_dim` = 24 wide, and with `activation_bits` = 8
    (ternary models) the inputs of the quantized linears are quantized per token."""

    model_type = "pollux"

    def __init__(
        self,
        vocab_size=50688,
        tokenizer_vocab_size=50257,
        hidden_size=1152,
        num_hidden_layers=18,
        max_position_embeddings=1024,
        head_dim=24,
        rms_norm_eps=1e-8,
        activation_bits=0,
        **kwargs,
    ):
        self.vocab_size = vocab_size
        self.tokenizer_vocab_size = tokenizer_vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.max_position_embeddings = max_position_embeddings
        self.head_dim = head_dim
        self.num_attention_heads = hidden_size // head_dim
        self.intermediate_size = 4 * hidden_size
        self.rms_norm_eps = rms_norm_eps
        self.activation_bits = activation_bits
        kwargs.setdefault("tie_word_embeddings", False)
        kwargs.setdefault("use_cache", False)
        super().__init__(**kwargs)
