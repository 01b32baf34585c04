# Integration tests of the hashtrack binary against tests/sim/scavio_sim.py.
