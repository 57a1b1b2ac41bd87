"""The benchmarks: `python -m bench` prints the figures, writes bench/results.json and bench/growth.png."""
