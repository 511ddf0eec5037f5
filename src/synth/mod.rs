//! Seeded generators of realistic synthetic organizations, rules and requests. (Being written.)
