"""Pollux's byte tokenizer for Hugging Face (issue 32): ids 0..255 are the bytes of the text's
UTF-8, 256 is end-of-text (<|endoftext|>); decoding replaces ill-formed UTF-8 with U+FFFD."""

from transformers import AddedToken, PreTrainedTokenizer


class PolluxByteTokenizer(PreTrainedTokenizer):
    model_input_names = ["input_ids", "attention_mask"]

    def __init__(self, **kwargs):
        end_of_text = AddedToken("<|endoftext|>", special=True)
        self._added_tokens_decoder = {256: end_of_text}
        for key in ("bos_token", "eos_token", "unk_token"):
            kwargs.setdefault(key, end_of_text)
        kwargs.setdefault("clean_up_tokenization_spaces", False)
        super().__init__(**kwargs)

    @property
    def vocab_size(self):
        return 256

    def get_vocab(self):
        vocab = {chr(i): i for i in range(256)}
        vocab.update(self.added_tokens_encoder)
        return vocab

    def _tokenize(self, text, **kwargs):
        return [chr(b) for b in text.encode("utf-8")]

    def _convert_token_to_id(self, token):
        return ord(token) if len(token) == 1 and ord(token) < 256 else self.eos_token_id

    def _convert_id_to_token(self, index):
        return chr(index) if index < 256 else self.eos_token

    def convert_tokens_to_string(self, tokens):
        return bytes(ord(t) for t in tokens if len(t) == 1 and ord(t) < 256).decode("utf-8", errors="replace")

    def save_vocabulary(self, save_directory, filename_prefix=None):
        return ()
