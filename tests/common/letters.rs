//! Letters and issuer names shared by the integration tests: fictional groups, our own texts.

/// A fictional legal aid group.
pub const LANTERN: &str = "Lantern Coast Legal Aid Collective";

/// A fictional lawyers' network.
pub const HARBOUR: &str = "Harbour Rights Lawyers Network";

/// An open letter, English and Chinese.
pub const FIRST: &str = "Open letter on the detention of defence lawyers\n\n\
We, the undersigned lawyers of the Lantern Coast Legal Aid Collective, call for the immediate \
release of the three defence lawyers detained on 2 March 2026, and for their families and \
counsel of their choice to be allowed to visit them.\n\n\
我们要求立即释放被羁押的三名辩护律师，并保障其家属和自行委托的律师会见的权利。\n\n\
Contact: Mei Ling Tan, +852 5550 0117\n";

/// A statement on a clinic's closure.
pub const SECOND: &str = "Statement on the closure of the Harbourside legal clinic\n\n\
The closure of the Harbourside legal clinic leaves four thousand residents without free legal \
advice. We ask the city council to reverse its decision before the end of the year.\n\n\
Contact: Arun Pillai, +852 5550 0242\n";

/// A joint appeal, with a Chinese contact line.
pub const THIRD: &str = "Joint appeal for the right to counsel\n\n\
Every person held by the police has the right to see a lawyer of their choice within a day of \
arrest. We ask the justice bureau to publish how often that right was refused last year.\n\n\
联络人：陈嘉欣，+852 5550 0388\n";

/// A later statement of the first letter's group.
pub const LATER: &str = "Statement on the release of the three defence lawyers\n\n\
We welcome the release of the three defence lawyers on 9 April 2026 and thank everyone who wrote \
to the authorities on their behalf. The charges against them must now be dropped.\n\n\
Contact: Mei Ling Tan, +852 5550 0117\n";
