//! Placeholder; replaced by the reference evaluator.
