//! Policy tests: routing expectations as data, a runner, and rule coverage. (Being written.)
