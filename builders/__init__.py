"""Built-in pair builders, one module per axis. Installed as ``ctpairs.builders``."""
