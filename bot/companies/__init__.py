"""Companies the bot knows: the bundled registry, runtime additions and the text matcher."""

from bot.companies.matcher import CompanyMatcher, Mention
from bot.companies.registry import Company, CompanyRegistry

__all__ = ["Company", "CompanyMatcher", "CompanyRegistry", "Mention"]
