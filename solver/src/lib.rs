//! rota-solver: staff rostering as a mixed-integer program (under construction).
