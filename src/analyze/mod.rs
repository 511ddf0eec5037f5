//! Analysis: find referral cycles, runarounds, coverage gaps and ambiguous or dead rules,
//! the way a linter analyses code. (Being written.)
