"""Setting a site up and checking it: discovery, device probes, wiring plausibility, doctor."""
