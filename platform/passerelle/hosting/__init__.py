"""Housing hosting: trajectories of stays home to home, the stays, concerns raised on them."""
