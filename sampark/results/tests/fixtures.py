"""Results files for the synthetic tree of conftest (2 districts, 4 ACs, 2 PCs, 16 booths)."""

from __future__ import annotations

from pathlib import Path

from sampark.devtools.synthetic import Tree

BOOTH_HEADER = "ac_no,pc_no,part_no,part_name,electors_total,voters_total,votes_bjp,votes_sp,votes_bsp,votes_apna_dal,votes_others,votes_nota\n"


def write_files(tree: Tree, folder: Path) -> Path:
    """Booth votes for LS 2014 (AC 1 close, the rest won by SP), PC candidates for LS 2014 and
    2019 (with alias spellings and two independents), and one bad booth row."""
    lines = [BOOTH_HEADER]
    for booth in tree.booths:
        ac = next(a for a in tree.acs if a.id == booth.ac_id)
        bjp, sp = (300, 310) if ac.number == 1 else (200, 500)
        lines.append(
            f"{ac.number},{ac.pc_id},{booth.number},School,1000,800,{bjp},{sp},90,5,10,5\n"
        )
    lines.append("1,1,x,Broken,1000,800,1,1,1,1,1,1\n")
    (folder / "up_ls2014_polling_stations.csv").write_text("".join(lines))
    (folder / "up_ls2014_pc_candidates.csv").write_text(
        "pc_no,pc_name,candidate,party,votes\n"
        "1,PC 1,A,Bharatiya Janata Party,5000\n"
        "1,PC 1,B,Samajwadi Party,4000\n"
        "1,PC 1,N,None of the Above,100\n"
        "2,PC 2,C,Apna Dal,6000\n"
        "2,PC 2,D,Samajwadi Party,5900\n"
        "2,PC 2,E,Independent,3000\n"
        "2,PC 2,F,Independent,3500\n"
        "2,PC 2,G,Bahujan Samaj Party,-5\n"
    )
    (folder / "up_ls2019_pc_candidates.csv").write_text(
        "pc_no,pc_name,candidate,party,evm_votes,postal_votes,total_votes\n"
        "1,PC 1,A,Bharatiya Janata Party,6000,0,6000\n"
        "1,PC 1,B,Samajwadi Party,3000,0,3000\n"
        "2,PC 2,C,Apna Dal (Soneylal),7000,0,7000\n"
        "2,PC 2,D,Samajwadi  party,5000,0,5000\n"
        "9,PC 9,Z,Samajwadi Party,5000,0,5000\n"
    )
    return folder
