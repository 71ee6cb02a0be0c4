/**
 * @module The demo's word lists: people, companies, competitors and the reasons deals are lost.
 * Every company and competitor here is invented; any likeness to a real one is an accident.
 */

export const firstNames: ReadonlyArray<string> = [
  "Ana",
  "Ben",
  "Chloe",
  "Daniel",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Isabel",
  "Jamal",
  "Katie",
  "Liam",
  "Maya",
  "Nikhil",
  "Olivia",
  "Pedro",
  "Quinn",
  "Rosa",
  "Samir",
  "Tara",
  "Umar",
  "Valerie",
  "Wes",
  "Ximena",
  "Yusuf",
  "Zoe",
  "Aaron",
  "Brianna",
  "Carlos",
  "Deepa",
  "Ethan",
  "Fatima",
  "Gabriel",
  "Hannah",
  "Ivan",
  "Jasmine",
  "Kofi",
  "Laura",
  "Marcus",
  "Nadia",
  "Owen",
  "Priya",
  "Rafael",
  "Sofia",
  "Theo",
  "Uma",
  "Victor",
  "Whitney",
  "Xavier",
  "Yara",
  "Zach",
  "Amara",
  "Brandon",
  "Camila",
  "Dmitri",
  "Erin",
  "Felix",
  "Gloria",
  "Hassan",
  "Ingrid",
  "Jordan",
  "Kenji",
  "Lucia",
  "Mateo",
  "Noor",
  "Patrick",
  "Renee",
  "Sean",
  "Tanya",
  "Vikram",
]

export const lastNames: ReadonlyArray<string> = [
  "Alvarez",
  "Baker",
  "Chen",
  "Dubois",
  "Edwards",
  "Fischer",
  "Garcia",
  "Hughes",
  "Ibrahim",
  "Johnson",
  "Kowalski",
  "Lee",
  "Martinez",
  "Nguyen",
  "Okafor",
  "Patel",
  "Quinlan",
  "Rossi",
  "Schmidt",
  "Thompson",
  "Usman",
  "Vasquez",
  "Walsh",
  "Xu",
  "Yamamoto",
  "Zimmerman",
  "Abbott",
  "Brennan",
  "Costa",
  "Diallo",
  "Evans",
  "Foster",
  "Gupta",
  "Hoffman",
  "Iyer",
  "Jensen",
  "Kim",
  "Lopez",
  "Mensah",
  "Novak",
  "O'Connor",
  "Park",
  "Ramirez",
  "Singh",
  "Tanaka",
  "Underwood",
  "Volkov",
  "Wright",
  "Young",
  "Zhang",
  "Andersen",
  "Bianchi",
  "Campbell",
  "Delgado",
  "Ellis",
  "Ferreira",
  "Goldberg",
  "Haddad",
  "Ito",
  "Kaplan",
]

const companyStems: ReadonlyArray<string> = [
  "Northwind",
  "Bluefin",
  "Granite",
  "Harbor",
  "Ironwood",
  "Juniper",
  "Keystone",
  "Lakeshore",
  "Meridian",
  "Oakridge",
  "Pinecrest",
  "Quarry",
  "Redwood",
  "Silverline",
  "Tidewater",
  "Summit",
  "Vanguard",
  "Westbrook",
  "Yellowstone",
  "Brightwater",
  "Cedar",
  "Driftwood",
  "Evergreen",
  "Foxglove",
  "Goldleaf",
  "Highland",
  "Innisfree",
  "Kingsport",
  "Larkspur",
  "Maplewood",
]

const companyTrades: ReadonlyArray<string> = [
  "Logistics",
  "Health",
  "Manufacturing",
  "Foods",
  "Insurance",
  "Energy",
  "Biotech",
  "Freight",
  "Hospitality",
  "Retail Group",
  "Credit Union",
  "Dental Partners",
  "Construction",
  "Analytics",
  "Packaging",
  "Pharma",
  "Labs",
  "Capital",
  "Telecom",
  "Outfitters",
]

/** How many distinct names {@link companyName} makes before it numbers them ("… 2"). */
export const companyNames = 600

/** The name of the `index`-th invented company: distinct for every index. */
export const companyName = (index: number): string => {
  const stem = companyStems[index % companyStems.length] as string
  const trade = companyTrades[Math.floor(index / companyStems.length) % companyTrades.length] as string
  const round = Math.floor(index / (companyStems.length * companyTrades.length))
  return round === 0 ? `${stem} ${trade}` : `${stem} ${trade} ${round + 1}`
}

/** The invented competitors our prospects buy from today (the `incumbent` of a displacement). */
export const competitors: ReadonlyArray<string> = ["Clarity CRM", "PipeForge", "Salesnest", "Quotient", "Ringwise"]

export const teamNames: ReadonlyArray<string> = [
  "Enterprise",
  "Mid-Market",
  "Commercial",
  "Strategic Accounts",
  "Growth",
  "Public Sector",
  "Healthcare",
  "Financial Services",
]

export const lossReasons: ReadonlyArray<string> = [
  "no decision",
  "price",
  "timing",
  "no budget",
  "went with a competitor",
]

export const untargetReasons: ReadonlyArray<string> = [
  "acquired by a company that already buys from us",
  "budget frozen until next fiscal year",
  "signed a three-year renewal with the incumbent",
]

/** An ASCII e-mail local part from a person's name: `Ana O'Connor` ⇒ `ana.oconnor`. */
export const emailLocalPart = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .trim()
    .replace(/ +/g, ".")
