import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { MDTToken__factory } from "../../../typechain-types";
import { mdt, ZERO_ADDRESS } from "../fixtures";

const CAP = mdt(21_000_000);

async function tokenFixture() {
  const [admin, minter, alice, bob, other] = await ethers.getSigners();
  const token = await new MDTToken__factory(admin).deploy(admin.address);
  const MINTER_ROLE = await token.MINTER_ROLE();
  await token.grantRole(MINTER_ROLE, minter.address);
  await token.connect(minter).mint(alice.address, mdt(1000));
  return { token, admin, minter, alice, bob, other, MINTER_ROLE };
}

describe("MDTToken", function () {
  describe("metadata", function () {
    it("is ModernTensor / MDT with 18 decimals", async function () {
      const { token } = await loadFixture(tokenFixture);
      expect(await token.name()).to.equal("ModernTensor");
      expect(await token.symbol()).to.equal("MDT");
      expect(await token.decimals()).to.equal(18n);
    });

    it("is capped at 21,000,000 MDT", async function () {
      const { token } = await loadFixture(tokenFixture);
      expect(await token.cap()).to.equal(CAP);
      expect(await token.MAX_SUPPLY()).to.equal(CAP);
    });

    it("gives the constructor's admin DEFAULT_ADMIN_ROLE and nobody MINTER_ROLE", async function () {
      const [admin] = await ethers.getSigners();
      const token = await new MDTToken__factory(admin).deploy(admin.address);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await token.hasRole(await token.MINTER_ROLE(), admin.address)).to.equal(false);
      expect(await token.totalSupply()).to.equal(0n);
    });
  });

  describe("mint", function () {
    describe("when the caller holds MINTER_ROLE", function () {
      it("mints and emits Transfer from the zero address", async function () {
        const { token, minter, bob } = await loadFixture(tokenFixture);
        await expect(token.connect(minter).mint(bob.address, mdt(5)))
          .to.emit(token, "Transfer")
          .withArgs(ZERO_ADDRESS, bob.address, mdt(5));
        expect(await token.balanceOf(bob.address)).to.equal(mdt(5));
        expect(await token.totalSupply()).to.equal(mdt(1005));
      });

      it("mints exactly up to the cap", async function () {
        const { token, minter, bob } = await loadFixture(tokenFixture);
        await token.connect(minter).mint(bob.address, CAP - mdt(1000));
        expect(await token.totalSupply()).to.equal(CAP);
      });

      it("reverts with ERC20ExceededCap one wei past the cap", async function () {
        const { token, minter, bob } = await loadFixture(tokenFixture);
        await expect(token.connect(minter).mint(bob.address, CAP - mdt(1000) + 1n))
          .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
          .withArgs(CAP + 1n, CAP);
      });
    });

    describe("when the caller lacks MINTER_ROLE", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { token, admin, other, MINTER_ROLE } = await loadFixture(tokenFixture);
        await expect(token.connect(other).mint(other.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, MINTER_ROLE);
        // Not even the admin mints without the role.
        await expect(token.connect(admin).mint(admin.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(admin.address, MINTER_ROLE);
      });
    });
  });

  describe("burn and burnFrom", function () {
    it("burns the caller's tokens and lowers the supply", async function () {
      const { token, alice } = await loadFixture(tokenFixture);
      await expect(token.connect(alice).burn(mdt(10)))
        .to.emit(token, "Transfer")
        .withArgs(alice.address, ZERO_ADDRESS, mdt(10));
      expect(await token.totalSupply()).to.equal(mdt(990));
    });

    it("burns from an allowance, and reverts without one", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      await expect(token.connect(bob).burnFrom(alice.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 0n, 1n);
      await token.connect(alice).approve(bob.address, mdt(3));
      await token.connect(bob).burnFrom(alice.address, mdt(3));
      expect(await token.balanceOf(alice.address)).to.equal(mdt(997));
    });

    it("frees room under the cap for new mints", async function () {
      const { token, minter, alice } = await loadFixture(tokenFixture);
      await token.connect(minter).mint(alice.address, CAP - mdt(1000));
      await token.connect(alice).burn(1n);
      await expect(token.connect(minter).mint(alice.address, 1n)).to.not.be.reverted;
    });
  });

  describe("permit", function () {
    async function signPermit(
      owner: Awaited<ReturnType<typeof tokenFixture>>["alice"],
      token: Awaited<ReturnType<typeof tokenFixture>>["token"],
      spender: string,
      value: bigint,
      deadline: bigint,
      ownerField: string = owner.address,
    ) {
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "ModernTensor", version: "1", chainId, verifyingContract: await token.getAddress() };
      const types = {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const nonce = await token.nonces(ownerField);
      const sig = ethers.Signature.from(
        await owner.signTypedData(domain, types, { owner: ownerField, spender, value, nonce, deadline }),
      );
      return sig;
    }

    it("sets the allowance from a signature and bumps the nonce", async function () {
      const { token, alice, bob, other } = await loadFixture(tokenFixture);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
      const sig = await signPermit(alice, token, bob.address, mdt(7), deadline);
      await expect(token.connect(other).permit(alice.address, bob.address, mdt(7), deadline, sig.v, sig.r, sig.s))
        .to.emit(token, "Approval")
        .withArgs(alice.address, bob.address, mdt(7));
      expect(await token.allowance(alice.address, bob.address)).to.equal(mdt(7));
      expect(await token.nonces(alice.address)).to.equal(1n);
    });

    it("reverts with ERC2612ExpiredSignature past the deadline", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 1n;
      const sig = await signPermit(alice, token, bob.address, 1n, deadline);
      await expect(token.permit(alice.address, bob.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("reverts with ERC2612InvalidSigner for a signature by someone else than the owner", async function () {
      const { token, alice, bob } = await loadFixture(tokenFixture);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
      // Bob signs a permit that claims to be Alice's.
      const sig = await signPermit(bob, token, bob.address, 1n, deadline, alice.address);
      await expect(token.permit(alice.address, bob.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC2612InvalidSigner")
        .withArgs(bob.address, alice.address);
    });
  });

  describe("votes", function () {
    it("counts votes only once delegated, including self-delegation", async function () {
      const { token, alice } = await loadFixture(tokenFixture);
      expect(await token.getVotes(alice.address)).to.equal(0n);
      await expect(token.connect(alice).delegate(alice.address))
        .to.emit(token, "DelegateChanged")
        .withArgs(alice.address, ZERO_ADDRESS, alice.address);
      expect(await token.getVotes(alice.address)).to.equal(mdt(1000));
      expect(await token.delegates(alice.address)).to.equal(alice.address);
    });

    it("moves votes with transfers and delegation changes", async function () {
      const { token, alice, bob, other } = await loadFixture(tokenFixture);
      await token.connect(alice).delegate(bob.address);
      await expect(token.connect(alice).transfer(other.address, mdt(400)))
        .to.emit(token, "DelegateVotesChanged")
        .withArgs(bob.address, mdt(1000), mdt(600));
      await token.connect(other).delegate(other.address);
      expect(await token.getVotes(bob.address)).to.equal(mdt(600));
      expect(await token.getVotes(other.address)).to.equal(mdt(400));
    });

    it("keeps past votes and past total supply per block", async function () {
      const { token, minter, alice } = await loadFixture(tokenFixture);
      await token.connect(alice).delegate(alice.address);
      const before = BigInt(await ethers.provider.getBlockNumber());
      await token.connect(minter).mint(alice.address, mdt(1));
      await mine();
      expect(await token.getPastVotes(alice.address, before)).to.equal(mdt(1000));
      expect(await token.getPastTotalSupply(before)).to.equal(mdt(1000));
      expect(await token.getVotes(alice.address)).to.equal(mdt(1001));
      expect(await token.clock()).to.equal(BigInt(await ethers.provider.getBlockNumber()));
      expect(await token.CLOCK_MODE()).to.equal("mode=blocknumber&from=default");
    });

    it("reverts with ERC5805FutureLookup for the current block", async function () {
      const { token, alice } = await loadFixture(tokenFixture);
      const now = BigInt(await ethers.provider.getBlockNumber());
      await expect(token.getPastVotes(alice.address, now))
        .to.be.revertedWithCustomError(token, "ERC5805FutureLookup")
        .withArgs(now, now);
    });
  });
});
