__version__ = "0.1.0"
# Written by hand (nbdev only keeps `__version__` above up to date): the names people use, importable from the
# package itself, e.g. `from inpaint_nb import score, restore`. They load on first use (PEP 562), so
# `import inpaint_nb` and `inpaint_nb --help` stay quick; the full list is shown in nbs/index.ipynb.
import importlib
_PUBLIC = {
    'random_damage': 'damage', 'detect_mask': 'damage',
    'make_demo_data': 'data',
    'score': 'metrics', 'score_folder': 'metrics',
    'build_model': 'models',
    'TrainConfig': 'config', 'train': 'run', 'load_model': 'inference',
    'Pipeline': 'inference', 'build_pipeline': 'inference', 'load_pipeline': 'inference', 'restore': 'inference',
    'predict_data': 'inference', 'predict': 'inference', 'PredictConfig': 'inference',
    'write_submission': 'submission', 'check_submission': 'submission',
}
__all__ = list(_PUBLIC)

def __getattr__(name):
    if name in _PUBLIC:
        return getattr(importlib.import_module(f'.{_PUBLIC[name]}', __name__), name)
    raise AttributeError(f"module 'inpaint_nb' has no attribute {name!r}")

def __dir__(): return sorted(list(globals()) + __all__)
